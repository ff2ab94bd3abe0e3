// The PostgreSQL half of the contract tests runs only when TEST_DATABASE_URL is set at build time;
// otherwise those tests are compiled as ignored, so `cargo test` lists them as skipped with a reason.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(pg_tests)");
    println!("cargo::rerun-if-env-changed=TEST_DATABASE_URL");
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.trim().is_empty()) {
        println!("cargo::rustc-cfg=pg_tests");
    }
}
