//! The web platform through its router, as browsers and API clients meet it.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;
use vjt_domain::{
    CountryCode, DateSpan, NewOrganisation, NewRound, OrganisationKind, OrganisationName, Role, RoundName,
};
use vjt_store::Store;

const PASSWORD: &str = "a long enough password";

fn app(name: &str) -> Router {
    vjt_web::app(store(name))
}

/// A network of three organisations and a round, with a coordinator, two reporters and a viewer.
fn store(name: &str) -> Store {
    let dir = std::env::temp_dir().join(format!("vjt_web_{name}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let s = Store::open(dir.join("vjt.db").to_str().unwrap()).unwrap();
    let org = |n: &str, kind| {
        s.add_organisation(&NewOrganisation {
            name: OrganisationName::parse(n).unwrap(),
            kind,
            country: Some(CountryCode::parse("KE").unwrap()),
        })
        .unwrap()
        .id
    };
    let (a, b, c) = (
        org("Org A", OrganisationKind::Ngo),
        org("Org B", OrganisationKind::Ngo),
        org("Secretariat", OrganisationKind::Coordinator),
    );
    s.add_round(&NewRound {
        name: RoundName::parse("Kenya 2020").unwrap(),
        span: DateSpan::new(
            chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2020, 12, 31).unwrap(),
        )
        .unwrap(),
    })
    .unwrap();
    let hash = vjt_service::accounts::hash_password(PASSWORD).unwrap();
    for (email, o, role) in [
        ("coord@x.org", c, Role::Coordinator),
        ("a@x.org", a, Role::Reporter),
        ("b@x.org", b, Role::Reporter),
        ("v@x.org", c, Role::Viewer),
    ] {
        s.add_user(email, o, role, &hash).unwrap();
    }
    s
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

async fn call(app: &Router, method: &str, uri: &str, token: Option<&str>, body: Option<Value>) -> Answer {
    let mut req = Request::builder().method(method).uri(uri).header(header::HOST, "vjt.test");
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b.to_string())).unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    send(app, req).await
}

async fn send(app: &Router, req: Request<Body>) -> Answer {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

async fn token(app: &Router, email: &str) -> String {
    let a = call(app, "POST", "/api/v1/tokens", None, Some(json!({ "email": email, "password": PASSWORD }))).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    a.json()["token"].as_str().unwrap().to_string()
}

fn route() -> Value {
    json!({
        "round": "Kenya 2020",
        "origin": "Kakamega",
        "transit": ["Busia", "Nakuru"],
        "intended_destination": "Nrb",
        "exploitation_types": ["domestic servitude"],
        "transport_modes": ["bus"],
        "victims": 12
    })
}

/// A token request as it arrives from a client at `ip` (the server puts the connection's
/// address on every request).
async fn token_from(app: &Router, ip: &str, email: &str, password: &str) -> Answer {
    let addr: std::net::SocketAddr = format!("{ip}:40000").parse().unwrap();
    let mut req = Request::post("/api/v1/tokens")
        .header(header::HOST, "vjt.test")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "email": email, "password": password }).to_string()))
        .unwrap();
    req.extensions_mut().insert(axum::extract::ConnectInfo(addr));
    send(app, req).await
}

#[tokio::test]
async fn tokens_are_issued_refused_and_guessing_is_slowed_for_the_guesser_only() {
    let app = app("tokens");
    let attacker = "203.0.113.9";
    let wrong = token_from(&app, attacker, "a@x.org", "nope").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.json()["error"]["code"], "invalid_credentials");
    let unknown = token_from(&app, attacker, "ghost@x.org", "nope").await;
    assert_eq!(unknown.json()["error"]["code"], "invalid_credentials", "unknown addresses look the same");
    for _ in 0..3 {
        assert_eq!(token_from(&app, attacker, "a@x.org", "nope").await.status, StatusCode::UNAUTHORIZED);
    }
    let fifth = token_from(&app, attacker, "a@x.org", "nope").await;
    assert_eq!(fifth.status, StatusCode::TOO_MANY_REQUESTS, "the fifth failure makes this source wait");
    assert_eq!(fifth.headers[header::RETRY_AFTER], "30");
    let locked = token_from(&app, attacker, "a@x.org", PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "while waiting even the right password waits");
    assert_eq!(locked.json()["error"]["code"], "locked");
    // The owner, elsewhere, is not locked out by the guesser.
    let owner = token_from(&app, "198.51.100.20", "a@x.org", PASSWORD).await;
    assert_eq!(owner.status, StatusCode::CREATED, "{}", owner.body);
    // An address that has no account is slowed down exactly the same way.
    for _ in 0..3 {
        token_from(&app, attacker, "ghost@x.org", "nope").await;
    }
    let ghost = token_from(&app, attacker, "ghost@x.org", "nope").await;
    assert_eq!((ghost.status, ghost.headers[header::RETRY_AFTER].to_str().unwrap()), (fifth.status, "30"));
    assert_eq!(ghost.json()["error"], fifth.json()["error"]);

    let t = token(&app, "b@x.org").await;
    assert_eq!(call(&app, "GET", "/api/v1/reports", Some(&t), None).await.status, StatusCode::OK);
    assert_eq!(call(&app, "DELETE", "/api/v1/tokens/current", Some(&t), None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        call(&app, "GET", "/api/v1/reports", Some(&t), None).await.status,
        StatusCode::UNAUTHORIZED,
        "a revoked token is dead"
    );
}

#[tokio::test]
async fn every_route_needs_a_caller() {
    let app = app("anon");
    // Every operation the API documents as signed-in, straight from the OpenAPI document, so a
    // new route cannot be added without being checked here.
    let doc = vjt_web::openapi::openapi();
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            if op["security"].as_array().unwrap().is_empty() {
                continue;
            }
            let method = method.to_uppercase();
            let uri = path.replace("{id}", "1").replace("{name}", "counties.csv")
                + if path.ends_with("resolve") { "?q=Nrb" } else { "" };
            let body = (method == "POST" || method == "PUT").then(route);
            let a = call(&app, &method, &uri, Some("not-a-token"), body).await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{method} {uri}");
            assert_eq!(a.json()["error"]["code"], "unauthenticated", "{method} {uri}");
            checked += 1;
        }
    }
    assert_eq!(checked, 10, "all signed-in operations were tried");
    let page = call(&app, "GET", "/dashboard", None, None).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.headers[header::LOCATION], "/login");
}

#[tokio::test]
async fn organisations_see_only_their_own_reports_and_viewers_none() {
    let app = app("isolation");
    let (a, b, coord, viewer) = (
        token(&app, "a@x.org").await,
        token(&app, "b@x.org").await,
        token(&app, "coord@x.org").await,
        token(&app, "v@x.org").await,
    );
    let created = call(&app, "POST", "/api/v1/reports", Some(&a), Some(route())).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let r = created.json();
    let id = r["id"].as_i64().unwrap();
    assert_eq!(r["stops"][3]["place"]["county"]["iso"], "KE-30", "places are resolved on the way in");
    assert_eq!(r["organisation"], "Org A");
    let uri = format!("/api/v1/reports/{id}");

    // Another organisation and a viewer: not found, whatever they try.
    for t in [&b, &viewer] {
        assert_eq!(call(&app, "GET", &uri, Some(t), None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(call(&app, "PUT", &uri, Some(t), Some(route())).await.status, StatusCode::NOT_FOUND);
        assert_eq!(call(&app, "DELETE", &uri, Some(t), None).await.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(call(&app, "GET", "/api/v1/reports", Some(&viewer), None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(call(&app, "POST", "/api/v1/reports", Some(&viewer), Some(route())).await.status, StatusCode::NOT_FOUND);
    let b_list = call(&app, "GET", "/api/v1/reports", Some(&b), None).await.json();
    assert_eq!(b_list["items"].as_array().unwrap().len(), 0, "no listing leaks another organisation's rows");

    // The owner and the coordinator see it, with the submitter's name.
    let own = call(&app, "GET", &uri, Some(&a), None).await;
    assert_eq!(own.status, StatusCode::OK);
    let seen = call(&app, "GET", &uri, Some(&coord), None).await.json();
    assert_eq!(seen["organisation"], "Org A");
    assert_eq!(
        call(&app, "GET", "/api/v1/reports", Some(&coord), None).await.json()["items"].as_array().unwrap().len(),
        1
    );

    // The owner can change and delete it.
    let mut changed = route();
    changed["victims"] = json!(20);
    let put = call(&app, "PUT", &uri, Some(&a), Some(changed)).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!(put.json()["victims"], 20);
    assert_eq!(put.json()["id"], id);
    assert_eq!(call(&app, "DELETE", &uri, Some(&a), None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(call(&app, "GET", &uri, Some(&a), None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn invalid_reports_are_explained_field_by_field() {
    let app = app("invalid");
    let a = token(&app, "a@x.org").await;
    let mut bad = route();
    bad["transit"] = json!(["Busia", ""]);
    bad["exploitation_types"] = json!(["forced labor exploitaton"]);
    bad["period_start"] = json!("2020-13");
    bad["notes"] = json!("call 0722 123 456");
    let a1 = call(&app, "POST", "/api/v1/reports", Some(&a), Some(bad)).await;
    assert_eq!(a1.status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = a1.json();
    assert_eq!(e["error"]["code"], "invalid_report");
    let fields: Vec<&str> =
        e["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert!(
        fields.contains(&"transit") && fields.contains(&"exploitation_types") && fields.contains(&"period_start"),
        "{fields:?}"
    );
    let unknown =
        call(&app, "POST", "/api/v1/reports", Some(&a), Some(json!({ "origin": "x", "name_of_victim": "y" }))).await;
    assert!(unknown.status.is_client_error(), "unknown fields such as a victim's name are refused");
    // Personal data in notes is removed before storage.
    let mut noted = route();
    noted["notes"] = json!("mother's phone 0722 123 456");
    let ok = call(&app, "POST", "/api/v1/reports", Some(&a), Some(noted)).await.json();
    assert_eq!(ok["notes"], "mother's phone [phone removed]");
}

#[tokio::test]
async fn viewers_see_releases_not_live_figures() {
    let app = app("viewer");
    let a = token(&app, "a@x.org").await;
    call(&app, "POST", "/api/v1/reports", Some(&a), Some(route())).await;
    let viewer = token(&app, "v@x.org").await;
    // Live figures can be subtracted from each other until one report stands out: viewers do
    // not get them, in any form.
    let doc = call(&app, "GET", "/api/v1/analysis", Some(&viewer), None).await;
    assert_eq!(doc.status, StatusCode::NOT_FOUND);
    assert_eq!(doc.json()["error"]["code"], "not_found");
    let (browser, viewer_csrf) = sign_in_browser(&app, "v@x.org").await;
    for page in ["/dashboard", "/dashboard/county/KE-30", "/dashboard/report.html", "/dashboard/report.pdf"] {
        assert_eq!(get_page(&app, page, &browser).await.status, StatusCode::NOT_FOUND, "{page}");
    }
    assert_eq!(get_page(&app, "/", &browser).await.headers[header::LOCATION], "/releases", "viewers land on releases");
    let coord = token(&app, "coord@x.org").await;
    assert_eq!(call(&app, "GET", "/api/v1/analysis", Some(&coord), None).await.json()["totals"]["reports"], 1);
    let bad = call(&app, "GET", "/api/v1/analysis?from=2020-13", Some(&coord), None).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let resolved = call(&app, "GET", "/api/v1/places/resolve?q=Nrb", Some(&viewer), None).await.json();
    assert_eq!(resolved["place"]["county"]["iso"], "KE-30");

    // The coordinator publishes a release from the page; viewers cannot.
    let (coord_browser, coord_csrf) = sign_in_browser(&app, "coord@x.org").await;
    let refused =
        send(&app, form("/releases", &format!("csrf={viewer_csrf}&round=Kenya+2020"), Some(&browser), None)).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let made = send(
        &app,
        form("/releases", &format!("csrf={coord_csrf}&round=Kenya+2020&threshold=5"), Some(&coord_browser), None),
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(made.headers[header::LOCATION], "/releases/1");

    let list = call(&app, "GET", "/api/v1/releases", Some(&viewer), None).await.json();
    let item = &list["items"][0];
    assert_eq!(
        (item["id"].as_i64(), item["threshold"].as_i64(), item["withdrawn"].as_bool()),
        (Some(1), Some(5), Some(false))
    );
    let listed = item["files"].as_array().unwrap().iter().find(|f| f["name"] == "counties.csv").unwrap();
    let csv = call(&app, "GET", "/api/v1/releases/1/files/counties.csv", Some(&viewer), None).await;
    assert_eq!(csv.status, StatusCode::OK);
    let sha = vjt_release::manifest::sha256_hex(csv.body.as_bytes());
    assert_eq!(sha, listed["sha256"].as_str().unwrap(), "the file is the one listed");
    assert_eq!(csv.headers["x-checksum-sha256"].to_str().unwrap(), sha);
    assert!(!csv.body.contains("Org A"), "no organisation named");
    let nested = call(&app, "GET", "/api/v1/releases/1/files/dhis2/metadata.json", Some(&viewer), None).await;
    assert_eq!(nested.status, StatusCode::OK);
    let page = get_page(&app, "/releases/1", &browser).await;
    assert!(page.body.contains("report.en.html") && page.body.contains("counties.geojson"), "{}", page.body);
    let report = get_page(&app, "/releases/1/files/report.en.html", &browser).await;
    assert!(report.headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("inline"));
    assert!(report.body.contains("Counties"));
    assert_eq!(get_page(&app, "/releases/1/files/secrets.txt", &browser).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get_page(&app, "/releases/9/files/counties.csv", &browser).await.status, StatusCode::NOT_FOUND);

    // Withdrawn: kept for the coordinator, gone for viewers; every download was recorded.
    let w = send(
        &app,
        form("/releases/1/withdraw", &format!("csrf={coord_csrf}&reason=wrong+round"), Some(&coord_browser), None),
    )
    .await;
    assert_eq!(w.status, StatusCode::SEE_OTHER);
    assert_eq!(
        call(&app, "GET", "/api/v1/releases/1/files/counties.csv", Some(&viewer), None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, "GET", "/api/v1/releases/1/files/counties.csv", Some(&coord), None).await.status,
        StatusCode::OK
    );
    assert_eq!(call(&app, "GET", "/api/v1/releases", Some(&viewer), None).await.json()["items"][0]["withdrawn"], true);
}

/// A form post as a browser sends it: the page's form token travels in the form's address.
fn form(uri: &str, body: &str, cookie: Option<&str>, origin: Option<&str>) -> Request<Body> {
    let (token, rest): (Vec<&str>, Vec<&str>) = body.split('&').partition(|p| p.starts_with("csrf="));
    let uri = match token.first() {
        Some(t) => format!("{uri}{}{t}", if uri.contains('?') { '&' } else { '?' }),
        None => uri.to_string(),
    };
    let body = rest.join("&");
    let mut r = Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::HOST, "vjt.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    if let Some(o) = origin {
        r = r.header(header::ORIGIN, o);
    }
    r.body(Body::from(body)).unwrap()
}

/// The form token a signed-in page carries (in its forms' addresses).
fn csrf_of(page: &str) -> String {
    page.split("csrf=").nth(1).expect("a form token").split(['"', '&']).next().unwrap().to_string()
}

#[tokio::test]
async fn browser_sessions_are_protected_against_forgery() {
    let app = app("browser");
    let page = call(&app, "GET", "/login", None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"email\"") && page.body.contains("name=\"password\""));
    for h in ["content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy"] {
        assert!(page.headers.contains_key(h), "{h}");
    }
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline'; script"), "only vjt's own script file");
    assert!(!csp.contains("'unsafe-eval'"));
    let script = call(&app, "GET", "/assets/form.js", None, None).await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/javascript"));

    let wrong = send(&app, form("/login", "email=a%40x.org&password=nope", None, None)).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("wrong") && page.body.contains("href=\"/lang/sw\""));
    // The sign-in page has the language switch too, before anyone is signed in.
    let sw = get_page(&app, "/login", "vjt_lang=sw").await;
    assert!(sw.body.contains(">Nenosiri</label>") && !sw.body.contains("Password"), "in Kiswahili");
    let cross = send(
        &app,
        form(
            "/login",
            &format!("email=a%40x.org&password={}", PASSWORD.replace(' ', "+")),
            None,
            Some("https://evil.example"),
        ),
    )
    .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN, "a cross-site form post is refused");

    let ok = send(
        &app,
        form(
            "/login",
            &format!("email=a%40x.org&password={}", PASSWORD.replace(' ', "+")),
            None,
            Some("http://vjt.test"),
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let set = ok.headers[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"), "{set}");
    let cookie = set.split(';').next().unwrap().to_string();

    let dash = send(
        &app,
        Request::builder()
            .uri("/dashboard")
            .header(header::HOST, "vjt.test")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(dash.status, StatusCode::OK);
    assert!(dash.body.contains("a@x.org") && dash.body.contains("County risk index"));
    // A cookie is not an API token: the API refuses it without the page's CSRF token.
    let api_with_cookie = send(
        &app,
        Request::builder()
            .method("DELETE")
            .uri("/api/v1/tokens/current")
            .header(header::HOST, "vjt.test")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(api_with_cookie.status, StatusCode::FORBIDDEN);
    let no_csrf = send(&app, form("/logout", "", Some(&cookie), None)).await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN, "sign-out without the form's token is refused");
    let csrf = csrf_of(&dash.body);
    let out = send(&app, form("/logout", &format!("csrf={csrf}"), Some(&cookie), None)).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let after = send(
        &app,
        Request::builder()
            .uri("/dashboard")
            .header(header::HOST, "vjt.test")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "the session ended");
}

#[tokio::test]
async fn oversized_requests_are_refused() {
    let app = app("large");
    let t = token(&app, "a@x.org").await;
    let mut big = route();
    big["notes"] = json!("x".repeat(2 << 20));
    let a = call(&app, "POST", "/api/v1/reports", Some(&t), Some(big)).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
}

async fn sign_in_browser(app: &Router, email: &str) -> (String, String) {
    let ok = send(
        app,
        form(
            "/login",
            &format!("email={}&password={}", email.replace('@', "%40"), PASSWORD.replace(' ', "+")),
            None,
            None,
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let cookie = ok.headers[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    let dash = send(
        app,
        Request::builder()
            .uri("/releases")
            .header(header::HOST, "vjt.test")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let csrf = csrf_of(&dash.body);
    (cookie, csrf)
}

async fn get_page(app: &Router, uri: &str, cookie: &str) -> Answer {
    send(
        app,
        Request::builder()
            .uri(uri)
            .header(header::HOST, "vjt.test")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_reporter_submits_a_route_and_the_coordinator_verifies_it() {
    let app = app("journey");
    let (coord, coord_csrf) = sign_in_browser(&app, "coord@x.org").await;
    let before = get_page(&app, "/dashboard", &coord).await;
    assert!(before.body.contains("Figures from 0 route reports"), "an empty network to start with");
    let (cookie, csrf) = sign_in_browser(&app, "a@x.org").await;
    let blank = get_page(&app, "/reports/new", &cookie).await;
    assert_eq!(blank.status, StatusCode::OK);
    assert!(blank.body.contains("name=\"origin\"") && blank.body.contains("Forced labour"));
    // The language switch: one cookie, every page of the form in Kiswahili.
    let switched = get_page(&app, "/lang/sw", &cookie).await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    let lang_cookie = switched.headers[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    assert_eq!(lang_cookie, "vjt_lang=sw");
    let sw = get_page(&app, "/reports/new", &format!("{cookie}; {lang_cookie}")).await;
    assert!(sw.body.contains("<html lang=\"sw\""));
    assert!(sw.body.contains("Kazi ya kulazimishwa") && sw.body.contains(">Asili <span"), "Kiswahili labels");
    assert!(!sw.body.contains("Forced labour") && sw.body.contains("href=\"/lang/en\""), "and a way back");
    let dash = get_page(&app, "/dashboard", &format!("{cookie}; {lang_cookie}")).await;
    assert!(dash.body.contains("Muhtasari"), "the dashboard follows the chosen language");

    // Checking places shows where each name resolves, without saving.
    let fields = "round=Kenya+2020&origin=Kakamega&transit=Busia%0D%0ANakuru&intended_destination=Nrb&exploitation_types=domestic_servitude&victims=7";
    let checked =
        send(&app, form("/reports/new", &format!("csrf={csrf}&{fields}&action=check"), Some(&cookie), None)).await;
    assert_eq!(checked.status, StatusCode::OK);
    assert!(checked.body.contains("→ Nairobi City (county), Kenya"), "Nrb resolves as you check");
    // A mistake is shown next to its field, and the values typed are kept.
    let wrong = send(
        &app,
        form("/reports/new", &format!("csrf={csrf}&{fields}&period_start=2020-13&action=save"), Some(&cookie), None),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("is not a month") && wrong.body.contains("value=\"Kakamega\""));
    let saved =
        send(&app, form("/reports/new", &format!("csrf={csrf}&{fields}&action=save"), Some(&cookie), None)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let list = get_page(&app, "/reports", &cookie).await;
    assert!(list.body.contains("Kakamega → Busia → Nakuru → Nrb"), "two transit points in order");
    assert_eq!(get_page(&app, "/review", &cookie).await.status, StatusCode::NOT_FOUND, "only the coordinator reviews");

    // The coordinator sees it in the review queue and verifies it; the dashboard reflects it.
    let queue = get_page(&app, "/review", &coord).await;
    assert_eq!(queue.status, StatusCode::OK);
    let id: i64 = queue
        .body
        .split("action=\"/review/reports/")
        .nth(1)
        .unwrap()
        .split(['"', '?'])
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let decided = send(
        &app,
        form(&format!("/review/reports/{id}"), &format!("csrf={coord_csrf}&decision=verified"), Some(&coord), None),
    )
    .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER);
    assert!(
        !get_page(&app, "/review", &coord).await.body.contains(&format!("/review/reports/{id}\"")),
        "verified reports leave the queue"
    );
    let dash = get_page(&app, "/dashboard", &coord).await;
    assert!(dash.body.contains("Figures from 1 route report."), "the dashboard seen before is not served again");
    assert!(dash.body.contains("Kakamega was the most reported county of origin"), "it shows the new route");
    // A forged review (no CSRF token) changes nothing.
    let forged = send(&app, form(&format!("/review/reports/{id}"), "decision=rejected", Some(&coord), None)).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

/// A minimal WebDriver client: JSON over HTTP/1.1 to chromedriver, nothing else needed.
mod webdriver {
    use std::io::{Read, Write};
    use std::net::TcpStream;

    use serde_json::{json, Value};

    pub struct Browser {
        port: u16,
        session: String,
    }

    fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Value {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("chromedriver listens");
        let body = body.map(Value::to_string).unwrap_or_default();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).unwrap();
        // chromedriver keeps the connection open: read the head, then exactly Content-Length bytes.
        let mut response = Vec::new();
        let mut chunk = [0u8; 8192];
        let head_end = loop {
            let n = stream.read(&mut chunk).unwrap();
            assert!(n > 0, "chromedriver closed the connection");
            response.extend_from_slice(&chunk[..n]);
            if let Some(i) = response.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
        };
        let head = String::from_utf8_lossy(&response[..head_end]).to_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while response.len() < head_end + length {
            let n = stream.read(&mut chunk).unwrap();
            if n == 0 {
                break;
            }
            response.extend_from_slice(&chunk[..n]);
        }
        let json = String::from_utf8_lossy(&response[head_end..]).into_owned();
        let value: Value = serde_json::from_str(&json).unwrap_or(Value::Null);
        assert!(value["value"]["error"].is_null(), "{method} {path}: {}", value["value"]["message"]);
        value
    }

    impl Browser {
        pub fn start(port: u16, profile: &str) -> Browser {
            let caps = json!({ "capabilities": { "alwaysMatch": { "browserName": "chrome", "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--window-size=1000,1400", format!("--user-data-dir={profile}")]
            } } } });
            let v = http(port, "POST", "/session", Some(&caps));
            Browser { port, session: v["value"]["sessionId"].as_str().expect("a session").to_string() }
        }
        fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
            http(self.port, method, &format!("/session/{}{path}", self.session), body.as_ref())
        }
        pub fn go(&self, url: &str) {
            self.call("POST", "/url", Some(json!({ "url": url })));
        }
        fn find(&self, css: &str) -> String {
            let v = self.call("POST", "/element", Some(json!({ "using": "css selector", "value": css })));
            v["value"]
                .as_object()
                .and_then(|o| o.values().next())
                .and_then(Value::as_str)
                .expect("element found")
                .to_string()
        }
        pub fn type_into(&self, css: &str, text: &str) {
            let id = self.find(css);
            self.call("POST", &format!("/element/{id}/value"), Some(json!({ "text": text })));
        }
        pub fn clear(&self, css: &str) {
            let id = self.find(css);
            self.call("POST", &format!("/element/{id}/clear"), Some(json!({})));
        }
        pub fn click(&self, css: &str) {
            let id = self.find(css);
            self.call("POST", &format!("/element/{id}/click"), Some(json!({})));
        }
        /// A DOM property of the first element matching `css` (what the user sees, not the HTML).
        pub fn property(&self, css: &str, name: &str) -> Value {
            let id = self.find(css);
            self.call("GET", &format!("/element/{id}/property/{name}"), None)["value"].clone()
        }
        /// Waits (up to 20 s) until a property has a value; true if it came.
        pub fn wait_property(&self, css: &str, name: &str, expected: &Value) -> bool {
            for _ in 0..200 {
                if &self.property(css, name) == expected {
                    return true;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            false
        }
        pub fn source(&self) -> String {
            self.call("GET", "/source", None)["value"].as_str().unwrap_or("").to_string()
        }
        /// Waits (up to 20 s) until the page holds `text`; true if it came.
        pub fn wait_for(&self, text: &str) -> bool {
            for _ in 0..200 {
                if self.source().contains(text) {
                    return true;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            false
        }
        /// Waits (up to 20 s) until `text` has left the page; true if it went.
        pub fn wait_gone(&self, text: &str) -> bool {
            for _ in 0..200 {
                if !self.source().contains(text) {
                    return true;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            false
        }
        /// Runs a script that calls its last argument when done; its value.
        pub fn execute_async(&self, script: &str) -> Value {
            self.call("POST", "/timeouts", Some(json!({ "script": 120_000 })));
            self.call("POST", "/execute/async", Some(json!({ "script": script, "args": [] })))["value"].clone()
        }
        /// Sets the window's size (a phone: 390 × 844).
        pub fn resize(&self, width: u32, height: u32) {
            self.call("POST", "/window/rect", Some(json!({ "width": width, "height": height })));
        }
        pub fn forget_cookies(&self) {
            self.call("DELETE", "/cookie", None);
        }
        /// A screenshot as PNG bytes.
        pub fn screenshot(&self) -> Vec<u8> {
            let b64 = self.call("GET", "/screenshot", None)["value"].as_str().unwrap_or("").to_string();
            decode_base64(&b64)
        }
    }

    impl Drop for Browser {
        fn drop(&mut self) {
            let _ = std::panic::catch_unwind(|| http(self.port, "DELETE", &format!("/session/{}", self.session), None));
        }
    }

    fn decode_base64(s: &str) -> Vec<u8> {
        let value = |c: u8| match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        };
        let mut out = Vec::with_capacity(s.len() * 3 / 4);
        let (mut buf, mut bits) = (0u32, 0);
        for v in s.bytes().filter_map(value) {
            buf = (buf << 6) | u32::from(v);
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((buf >> bits) as u8);
            }
        }
        out
    }
}

/// axe-core's script, from `npm install --prefix target/axe axe-core@4` (what `.ci/run` does),
/// or the file VJT_AXE names.
fn axe_script() -> Option<String> {
    let path = std::env::var_os("VJT_AXE").map(std::path::PathBuf::from).unwrap_or_else(|| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/axe/node_modules/axe-core/axe.min.js")
    });
    std::fs::read_to_string(path).ok()
}

/// The serious and critical accessibility violations axe-core finds on the page shown.
fn axe_violations(browser: &webdriver::Browser, axe: &str) -> Vec<String> {
    // axe's source goes in the script itself: the page's Content-Security-Policy forbids eval.
    let script = format!(
        "{axe}\n;var done = arguments[arguments.length - 1];\
         axe.run(document, {{ resultTypes: ['violations'] }}).then(function (r) {{\
           done(r.violations.filter(function (v) {{ return v.impact === 'serious' || v.impact === 'critical'; }})\
             .map(function (v) {{ return v.impact + ' ' + v.id + ': ' + v.help + ' at ' +\
               v.nodes.slice(0, 3).map(function (n) {{ return n.target.join(' '); }}).join(', '); }}));\
         }}, function (e) {{ done(['axe failed: ' + e]); }});"
    );
    let found = browser.execute_async(&script);
    found.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

/// Every page, as each role sees it, in English and Kiswahili: no serious or critical violation
/// by axe-core's rules (WCAG 2.x A and AA, and its best practices).
#[test]
fn every_page_passes_axe_core() {
    let (Some(axe), true) = (axe_script(), std::path::Path::new("/usr/bin/chromedriver").exists()) else {
        assert!(
            std::env::var_os("VJT_REQUIRE_BROWSER").is_none(),
            "VJT_REQUIRE_BROWSER is set but axe-core or Chromium is missing (npm install --prefix target/axe axe-core@4)"
        );
        eprintln!("skipped: axe-core or Chromium is not installed");
        return;
    };
    let _turn = timed_turn();
    let store = store("axe");
    let orgs: Vec<_> = store.organisations().unwrap().iter().map(|o| o.id).collect();
    let round = store.rounds().unwrap()[0].id;
    let ids = store.save_reports(&vjt_demo::reports(&orgs[..2], &[round], 40, 3)).unwrap().ids;
    let (_runtime, port, _) = serve_store(store, vjt_web::Patience::default());
    let driver = Chromedriver::start("axe");
    let report = ids[0].0;
    let result = std::panic::catch_unwind(|| {
        let browser = webdriver::Browser::start(driver.port, &driver.profile);
        let base = format!("http://127.0.0.1:{port}");
        let mut found = Vec::new();
        let mut check = |what: &str| {
            for v in axe_violations(&browser, &axe) {
                found.push(format!("{what}: {v}"));
            }
        };
        browser.go(&format!("{base}/login"));
        check("/login");
        // The check can fail: an image without a text alternative is a critical violation.
        browser.execute_async("var img = document.createElement('img'); img.src = 'data:,'; document.body.appendChild(img); arguments[0](1);");
        let planted = axe_violations(&browser, &axe);
        assert!(planted.iter().any(|v| v.contains("image-alt")), "axe-core did not run: {planted:?}");
        let pages: [(&str, &[&str]); 3] = [
            (
                "coord@x.org",
                &["/dashboard", "/dashboard/county/KE-30", "/review", "/import", "/admin", "/releases", "/reports"],
            ),
            ("a@x.org", &["/reports", "/reports/new", "/report", "/account"]),
            ("v@x.org", &["/releases"]),
        ];
        for (email, uris) in pages {
            browser.forget_cookies();
            browser.go(&format!("{base}/login"));
            browser.type_into("#email", email);
            browser.type_into("#password", PASSWORD);
            browser.click("form button");
            assert!(browser.wait_gone("id=\"password\""), "{email} signs in");
            for lang in ["en", "sw"] {
                for uri in uris.iter() {
                    let uri = if *uri == "/report" { format!("/reports/{report}") } else { uri.to_string() };
                    browser.go(&format!("{base}/lang/{lang}"));
                    browser.go(&format!("{base}{uri}"));
                    check(&format!("{email} {lang} {uri}"));
                }
            }
        }
        found
    });
    drop(driver);
    let found = result.unwrap_or_else(|e| std::panic::resume_unwind(e));
    assert!(found.is_empty(), "axe-core found {} serious or critical violations:\n{}", found.len(), found.join("\n"));
}

/// A chromedriver on a free port with its own browser profile; stopped and cleaned up when
/// dropped (also when a test fails).
struct Chromedriver {
    child: std::process::Child,
    port: u16,
    profile: String,
}

impl Chromedriver {
    fn start(name: &str) -> Chromedriver {
        let port = free_port();
        let child = std::process::Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let profile = std::env::temp_dir().join(format!("vjt_{name}_chromium_{}", std::process::id()));
        Chromedriver { child, port, profile: profile.to_string_lossy().into_owned() }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The issue's journey in a real Chromium: a reporter signs in and submits a route with two
/// transit points, the coordinator finds it in the review queue and verifies it, the dashboard
/// shows it. Skipped, with a message, where Chromium or chromedriver is not installed.
/// VJT_SCREENSHOTS=DIR also saves screenshots of the pages (how docs/images/web-*.png are made).
#[test]
fn browser_journey_in_chromium() {
    if !std::path::Path::new("/usr/bin/chromium").exists() || !std::path::Path::new("/usr/bin/chromedriver").exists() {
        assert!(
            std::env::var_os("VJT_REQUIRE_BROWSER").is_none(),
            "VJT_REQUIRE_BROWSER is set but Chromium is missing"
        );
        eprintln!("skipped: Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
        return;
    }
    let _turn = timed_turn();
    let (runtime, port, _store) = running_server("chromium", vjt_web::Patience::default());
    let driver = Chromedriver::start("chromium");
    let result = std::panic::catch_unwind(|| {
        let shots = std::env::var("VJT_SCREENSHOTS").ok();
        let browser = webdriver::Browser::start(driver.port, &driver.profile);
        let shoot = |name: &str| {
            if let Some(dir) = &shots {
                std::fs::write(std::path::Path::new(dir).join(format!("web-{name}.png")), browser.screenshot())
                    .unwrap();
            }
        };
        let base = format!("http://127.0.0.1:{port}");
        browser.go(&format!("{base}/login"));
        shoot("login");
        browser.type_into("#email", "a@x.org");
        browser.type_into("#password", PASSWORD);
        browser.click("button[type=submit]");
        assert!(browser.wait_for("County risk index"), "signed in, the dashboard shows");
        browser.go(&format!("{base}/reports/new"));
        assert!(browser.wait_for("id=\"origin\""), "the route form shows");
        browser.type_into("#origin", "Kakamega");
        browser.type_into("#transit", "Busia\nNakuru");
        browser.type_into("#intended_destination", "Nrb");
        browser.click("input[value=domestic_servitude]");
        // The script resolves places while typing, before any "Check places".
        assert!(browser.wait_for("Nairobi City (county), Kenya"), "places resolve as they are typed");
        assert!(browser.wait_for("Nakuru (county), Kenya"), "so does the transit point being typed");

        // A reload (or a lost connection) keeps the draft on this device.
        browser.go(&format!("{base}/reports/new"));
        assert!(browser.wait_property("#origin", "value", &json!("Kakamega")), "the draft is restored");
        assert_eq!(browser.property("#transit", "value"), json!("Busia\nNakuru"));
        assert_eq!(browser.property("input[value=domestic_servitude]", "checked"), json!(true));
        assert_eq!(browser.property("#draft-note", "hidden"), json!(false), "and the user is told so");

        browser.click("button[value=check]");
        assert!(browser.wait_for("class=\"place-note ok\""), "the server checks the places too");
        assert_eq!(browser.source().matches("Nairobi City (county), Kenya").count(), 1, "each answer is shown once");
        shoot("route-form");
        // A mistake: the summary of problems takes the focus; fixed, the route saves.
        browser.clear("#origin");
        browser.click("button[value=save]");
        assert!(browser.wait_for("id=\"problems\""), "the form comes back with its problems");
        let focused = browser.execute_async("arguments[0](document.activeElement && document.activeElement.id);");
        assert_eq!(focused, json!("problems"), "the summary of problems has the focus");
        browser.type_into("#origin", "Kakamega");
        browser.click("button[value=save]");
        assert!(browser.wait_for("Kakamega → Busia → Nakuru → Nrb"), "the saved route is listed");
        assert!(browser.source().contains("Route saved"));
        shoot("reports");
        browser.go(&format!("{base}/reports/new"));
        assert!(browser.wait_for("id=\"route-form\""));
        assert_eq!(browser.property("#origin", "value"), json!(""), "a saved route leaves no draft behind");
        assert_eq!(browser.property("#draft-note", "hidden"), json!(true));

        browser.forget_cookies();
        browser.go(&format!("{base}/login"));
        browser.type_into("#email", "coord@x.org");
        browser.type_into("#password", PASSWORD);
        browser.click("button[type=submit]");
        assert!(browser.wait_for("County risk index"), "the coordinator is signed in");
        browser.go(&format!("{base}/review"));
        assert!(browser.wait_for("Kakamega → Busia → Nakuru → Nrb"), "the coordinator sees it in the queue");
        shoot("review");
        browser.click("button[value=verified]");
        assert!(browser.wait_gone("Kakamega → Busia → Nakuru → Nrb"), "verified, it leaves the queue");
        assert!(browser.wait_for("Nothing to review"), "back in the queue, which is now empty");
        browser.go(&format!("{base}/dashboard"));
        assert!(browser.wait_for("County risk index"), "the dashboard shows");
        assert!(
            browser.source().contains("Kakamega was the most reported county of origin"),
            "the dashboard reflects the new route"
        );
        assert!(browser.source().contains("href=\"/review\""), "the dashboard links to the other pages");
        shoot("dashboard");
        // A county on the map is a link to its own page.
        browser.click("a[href^='/dashboard/county/KE-30']");
        assert!(browser.wait_for("Nairobi City county"), "clicking a county opens its page");
        assert!(browser.source().contains("Routes ending here"));
        shoot("county");
    });
    drop(driver);
    runtime.shutdown_background();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

/// Whether a JSON value has what a schema says (required properties present, no undocumented
/// ones, items and alternatives followed); the path of the first mismatch if not.
fn conforms(value: &Value, schema: &Value, doc: &Value, at: &str) -> Result<(), String> {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        return conforms(value, &doc["components"]["schemas"][name], doc, at);
    }
    if let Some(options) = schema["anyOf"].as_array() {
        return if options.iter().any(|o| conforms(value, o, doc, at).is_ok()) {
            Ok(())
        } else {
            Err(format!("{at}: {value} matches none of the alternatives"))
        };
    }
    match schema["type"].as_str() {
        Some("null") if !value.is_null() => return Err(format!("{at}: expected null")),
        Some("integer") if !value.is_i64() && !value.is_u64() => return Err(format!("{at}: expected an integer")),
        Some("string") if !value.is_string() => return Err(format!("{at}: expected a string")),
        Some("array") => {
            let items = value.as_array().ok_or(format!("{at}: expected an array"))?;
            for (i, item) in items.iter().enumerate() {
                conforms(item, &schema["items"], doc, &format!("{at}[{i}]"))?;
            }
        }
        Some("object") => {
            let fields = value.as_object().ok_or(format!("{at}: expected an object"))?;
            if let Some(props) = schema["properties"].as_object() {
                for key in fields.keys() {
                    if !props.contains_key(key) {
                        return Err(format!("{at}.{key} is not documented"));
                    }
                }
                for key in schema["required"].as_array().into_iter().flatten() {
                    if !fields.contains_key(key.as_str().unwrap()) {
                        return Err(format!("{at}.{key} is documented as always present"));
                    }
                }
                for (key, v) in fields {
                    conforms(v, &props[key], doc, &format!("{at}.{key}"))?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

#[tokio::test]
async fn the_openapi_document_is_served_snapshotted_and_true() {
    let app = app("openapi");
    let doc = vjt_web::openapi::openapi();
    let served = call(&app, "GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(served.status, StatusCode::OK, "public, like any API's description");
    assert_eq!(served.json(), doc);

    // The committed snapshot: a change to the API shows up in review as a change to this file.
    // Refresh it with VJT_UPDATE_SNAPSHOTS=1.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
    let pretty = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    if std::env::var_os("VJT_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &pretty).unwrap();
    }
    let saved = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(saved == pretty, "the OpenAPI document changed; review it and run with VJT_UPDATE_SNAPSHOTS=1");

    // Request bodies come from the handlers' own types: unknown fields are refused there too.
    let body = &doc["paths"]["/api/v1/reports"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(body["additionalProperties"], false);
    assert!(body["properties"]["transit"]["type"] == "array");

    // Real answers have exactly the documented shape.
    let (a, coord) = (token(&app, "a@x.org").await, token(&app, "coord@x.org").await);
    let schema = |path: &str, method: &str, status: &str| {
        doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"].clone()
    };
    let created = call(&app, "POST", "/api/v1/reports", Some(&a), Some(route())).await;
    assert_eq!(created.status, StatusCode::CREATED);
    conforms(&created.json(), &schema("/api/v1/reports", "post", "201"), &doc, "report").unwrap();
    let id = created.json()["id"].as_i64().unwrap();
    for t in [&a, &coord] {
        let one = call(&app, "GET", &format!("/api/v1/reports/{id}"), Some(t), None).await;
        conforms(&one.json(), &schema("/api/v1/reports/{id}", "get", "200"), &doc, "report").unwrap();
        let page = call(&app, "GET", "/api/v1/reports", Some(t), None).await;
        conforms(&page.json(), &schema("/api/v1/reports", "get", "200"), &doc, "page").unwrap();
    }
    for q in ["Nrb", "Busia", "Nowhereville"] {
        let r = call(&app, "GET", &format!("/api/v1/places/resolve?q={q}"), Some(&a), None).await;
        conforms(&r.json(), &schema("/api/v1/places/resolve", "get", "200"), &doc, q).unwrap();
    }
    let refused = call(&app, "GET", "/api/v1/reports/999", Some(&a), None).await;
    conforms(&refused.json(), &schema("/api/v1/reports/{id}", "get", "404"), &doc, "error").unwrap();
    // The checker itself notices an undocumented field.
    let mut extra = created.json();
    extra["victim_name"] = json!("x");
    assert!(conforms(&extra, &schema("/api/v1/reports", "post", "201"), &doc, "report").is_err());
}

#[tokio::test]
async fn changes_made_outside_the_server_reach_the_dashboard() {
    let app = app("outside");
    let (coord, _) = sign_in_browser(&app, "coord@x.org").await;
    assert!(get_page(&app, "/dashboard", &coord).await.body.contains("from 0 route reports"));
    // An import from the command line: another connection to the same database.
    let path = std::env::temp_dir().join(format!("vjt_web_outside_{}", std::process::id())).join("vjt.db");
    let cli = Store::open(path.to_str().unwrap()).unwrap();
    let org = cli.organisations().unwrap()[0].id;
    let round = cli.rounds().unwrap()[0].id;
    let reports = vjt_demo::reports(&[org], &[round], 3, 7);
    cli.save_reports(&reports).unwrap();
    // The server asks the database at most once a second.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let after = get_page(&app, "/dashboard", &coord).await;
    assert!(after.body.contains(&format!("from {} route reports", reports.len())), "the import is seen");
}

#[tokio::test]
async fn the_dashboard_filters_translates_and_downloads() {
    let app = app("dashboard");
    let (a, b) = (token(&app, "a@x.org").await, token(&app, "b@x.org").await);
    let mut other = route();
    other["exploitation_types"] = json!(["sexual_exploitation"]);
    other["origin"] = json!("Mombasa");
    assert_eq!(call(&app, "POST", "/api/v1/reports", Some(&a), Some(route())).await.status, StatusCode::CREATED);
    assert_eq!(call(&app, "POST", "/api/v1/reports", Some(&b), Some(other)).await.status, StatusCode::CREATED);
    let (coord, _) = sign_in_browser(&app, "coord@x.org").await;

    let all = get_page(&app, "/dashboard", &coord).await;
    assert!(all.body.contains("Figures from 2 route reports"));
    assert!(all.body.contains("name=\"exploitation\""), "the filter form is on the page");
    let one = get_page(&app, "/dashboard?exploitation=sexual_exploitation&round=", &coord).await;
    assert!(one.body.contains("Figures from 1 route report."), "the filter narrows the figures");
    assert!(one.body.contains("Mombasa was the most reported county of origin"));
    assert!(one.body.contains("value=\"sexual_exploitation\" selected"), "the choice is kept");
    let sw = get_page(&app, "/dashboard", &format!("{coord}; vjt_lang=sw")).await;
    assert!(sw.body.contains("Dashibodi") && sw.body.contains("Muhtasari"), "in Kiswahili");
    let wrong = get_page(&app, "/dashboard?from=2020-13", &coord).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(
        wrong.body.contains("is not a month") && wrong.body.contains("name=\"from\""),
        "explained, with the form to fix it"
    );

    // Every county on the maps opens its own page, the choices kept.
    assert!(all.body.matches("<a href=\"/dashboard/county/KE-").count() >= 47, "counties are links");
    assert!(one.body.contains("href=\"/dashboard/county/KE-30?exploitation=sexual_exploitation\""));
    let nairobi = get_page(&app, "/dashboard/county/KE-30", &coord).await;
    assert_eq!(nairobi.status, StatusCode::OK);
    assert!(nairobi.body.contains("Nairobi City county") && nairobi.body.contains("Risk index"));
    assert!(nairobi.body.contains("of the 5 counties with reports"), "ranked among those the routes touch");
    let ending = nairobi.body.split("Routes ending here").nth(1).expect("corridors into Nairobi");
    assert!(ending.contains("Kakamega") && ending.contains("Mombasa"));
    let filtered = get_page(&app, "/dashboard/county/KE-30?exploitation=sexual_exploitation", &coord).await;
    assert!(!filtered.body.split("Routes ending here").nth(1).unwrap().contains("Kakamega"), "the filter applies");
    assert_eq!(get_page(&app, "/dashboard/county/KE-99", &coord).await.status, StatusCode::NOT_FOUND);

    let pdf = get_page(&app, "/dashboard/report.pdf?exploitation=sexual_exploitation", &coord).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with("%PDF"));
    assert!(pdf.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("vjt-report.pdf"));
    assert_eq!(get_page(&app, "/dashboard/secrets.txt", &coord).await.status, StatusCode::NOT_FOUND);

    // Viewers see releases, not these figures; organisations export their own rows.
    let (viewer, _) = sign_in_browser(&app, "v@x.org").await;
    assert_eq!(get_page(&app, "/dashboard/report.html", &viewer).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get_page(&app, "/reports/export.csv", &viewer).await.status, StatusCode::NOT_FOUND);
    let (reporter, _) = sign_in_browser(&app, "a@x.org").await;
    let csv = get_page(&app, "/reports/export.csv", &reporter).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("Kakamega") && !csv.body.contains("Mombasa"), "only the organisation's own reports");
    let everything = get_page(&app, "/reports/export.csv", &coord).await;
    assert!(everything.body.contains("Kakamega") && everything.body.contains("Mombasa"));
    assert_eq!(everything.body.lines().count(), 3, "a header and two reports");
}

#[tokio::test]
async fn a_report_is_edited_with_its_history_shown_and_others_cannot() {
    let app = app("edit");
    let a = token(&app, "a@x.org").await;
    let created = call(&app, "POST", "/api/v1/reports", Some(&a), Some(route())).await;
    let id = created.json()["id"].as_i64().unwrap();
    let (cookie, csrf) = sign_in_browser(&app, "a@x.org").await;
    let list = get_page(&app, "/reports", &cookie).await;
    assert!(list.body.contains(&format!("href=\"/reports/{id}\"")), "the list links to each report");
    let shown = get_page(&app, &format!("/reports/{id}"), &cookie).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("<h2>History</h2>") && shown.body.contains("value=\"Kakamega\""), "prefilled");
    assert!(shown.body.contains("Busia\nNakuru</textarea>"), "transit points one per line, in order");

    // A mistake keeps what was typed; a good edit is saved and recorded.
    let fields =
        "round=Kenya+2020&origin=Kisumu&transit=Busia&intended_destination=Nrb&exploitation_types=domestic_servitude";
    let wrong = send(
        &app,
        form(&format!("/reports/{id}"), &format!("csrf={csrf}&{fields}&victims=-3&action=save"), Some(&cookie), None),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("&#39;-3&#39; is negative") && wrong.body.contains("value=\"Kisumu\""));
    let saved = send(
        &app,
        form(&format!("/reports/{id}"), &format!("csrf={csrf}&{fields}&victims=4&action=save"), Some(&cookie), None),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = get_page(&app, &format!("/reports/{id}?saved=1"), &cookie).await;
    assert!(after.body.contains("Changes saved") && after.body.contains("value=\"Kisumu\""));
    assert!(after.body.matches("<tr><td>20").count() >= 2, "created and updated are both in the history");
    assert!(after.body.contains("sent by a@x.org") && after.body.contains("edited by"), "each naming who");
    let api = call(&app, "GET", &format!("/api/v1/reports/{id}"), Some(&a), None).await.json();
    assert_eq!(api["stops"][0]["text"], "Kisumu");
    assert_eq!(api["victims"], 4);
    assert_eq!(api["report_id"], created.json()["report_id"], "the reference stays");

    // Another organisation and a viewer: not found, to read or to change.
    for who in ["b@x.org", "v@x.org"] {
        let (other, other_csrf) = sign_in_browser(&app, who).await;
        assert_eq!(get_page(&app, &format!("/reports/{id}"), &other).await.status, StatusCode::NOT_FOUND, "{who}");
        let forced = send(
            &app,
            form(&format!("/reports/{id}"), &format!("csrf={other_csrf}&{fields}&action=save"), Some(&other), None),
        )
        .await;
        assert_eq!(forced.status, StatusCode::NOT_FOUND, "{who}");
    }
    let api = call(&app, "GET", &format!("/api/v1/reports/{id}"), Some(&a), None).await.json();
    assert_eq!(api["victims"], 4, "unchanged by the refused attempts");
}

/// A multipart upload as the import form sends it.
fn upload(uri: &str, fields: &[(&str, &str)], files: &[(&str, &str)], cookie: &str) -> Request<Body> {
    let boundary = "----vjt-test-boundary";
    let mut body = String::new();
    let uri = match fields.iter().find(|(k, _)| *k == "csrf") {
        Some((_, t)) => format!("{uri}?csrf={t}"),
        None => uri.to_string(),
    };
    for (k, v) in fields.iter().filter(|(k, _)| *k != "csrf") {
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"));
    }
    for (name, content) in files {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::HOST, "vjt.test")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn the_coordinator_imports_a_spreadsheet_after_seeing_what_it_would_do() {
    let app = app("import");
    let (coord, csrf) = sign_in_browser(&app, "coord@x.org").await;
    let coord_token = token(&app, "coord@x.org").await;
    let form_page = get_page(&app, "/import", &coord).await;
    assert_eq!(form_page.status, StatusCode::OK);
    assert!(form_page.body.contains("enctype=\"multipart/form-data\""));
    let csv = "report_id,origin,transit,intended_destination,exploitation_types,victims\n\
               R1,Kakamega,Busia;Nakuru,Nrb,domestic servitude,5\n\
               R2,Kitale,,Mombasa,forced labour,lots\n\
               R3,Kisumu,Eldoret,Nairobi,sexual exploitation,2\n";
    let fields = [("csrf", csrf.as_str()), ("organisation", "Org A"), ("round", "Kenya 2020")];

    // Without the page's token the upload is refused, like any form.
    let forged = send(&app, upload("/import", &[("organisation", "Org A")], &[("r.csv", csv)], &coord)).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let checked = send(&app, upload("/import", &fields, &[("partner reports.csv", csv)], &coord)).await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.body);
    assert!(checked.body.contains("3 rows read") && checked.body.contains("2 would be added"), "{}", checked.body);
    assert!(
        checked.body.contains("1 rejected") && checked.body.contains("<td>victims</td><td>lots</td>"),
        "cell by cell"
    );
    let list = call(&app, "GET", "/api/v1/reports", Some(&coord_token), None).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 0, "a check writes nothing");

    let id = checked.body.split("action=\"/import/").nth(1).unwrap().split(['"', '?']).next().unwrap().to_string();
    let done = send(&app, form(&format!("/import/{id}"), &format!("csrf={csrf}"), Some(&coord), None)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("Imported") && done.body.contains("2 added"));
    let list = call(&app, "GET", "/api/v1/reports", Some(&coord_token), None).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert!(list["items"].as_array().unwrap().iter().all(|r| r["organisation"] == "Org A"));

    // The rejected row can be downloaded, fixed and imported again.
    let link = done.body.split(&format!("href=\"/import/{id}/")).nth(1).unwrap().split('"').next().unwrap().to_string();
    let rejects = get_page(&app, &format!("/import/{id}/{link}"), &coord).await;
    assert_eq!(rejects.status, StatusCode::OK);
    assert!(rejects.body.contains("R2") && !rejects.body.contains("R1"));
    assert_eq!(get_page(&app, &format!("/import/{id}/..%2Fvjt.db"), &coord).await.status, StatusCode::NOT_FOUND);
    // A confirmation cannot be replayed.
    let again = send(&app, form(&format!("/import/{id}"), &format!("csrf={csrf}"), Some(&coord), None)).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(
        call(&app, "GET", "/api/v1/reports", Some(&coord_token), None).await.json()["items"].as_array().unwrap().len(),
        2
    );

    // Only the coordinator imports.
    let (reporter, reporter_csrf) = sign_in_browser(&app, "a@x.org").await;
    assert_eq!(get_page(&app, "/import", &reporter).await.status, StatusCode::NOT_FOUND);
    let tried = send(&app, upload("/import", &[("csrf", reporter_csrf.as_str())], &[("r.csv", csv)], &reporter)).await;
    assert_eq!(tried.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_network_is_run_from_the_browser_each_role_within_its_bounds() {
    let app = app("admin");
    let (coord, csrf) = sign_in_browser(&app, "coord@x.org").await;
    let post = |uri: &str, body: String, cookie: &str| send(&app, form(uri, &body, Some(cookie), None));
    let page = get_page(&app, "/admin", &coord).await;
    assert!(
        page.body.contains("Organisations") && page.body.contains("Collection rounds") && page.body.contains("v@x.org")
    );
    // The coordinator's pages follow the language switch too.
    let sw = format!("{coord}; vjt_lang=sw");
    for (uri, kiswahili, english) in [
        ("/admin", "Ongeza mtumiaji", "Add user"),
        ("/import", "Kagua mafaili", "Check the files"),
        ("/review", "Ripoti za kukagua", "Reports to review"),
        ("/dashboard/county/KE-30", "Kaunti ya Nairobi City", "Nairobi City county"),
    ] {
        let page = get_page(&app, uri, &sw).await;
        assert!(page.body.contains(kiswahili) && !page.body.contains(english), "{uri} in Kiswahili");
    }

    // Organisations and rounds: the coordinator's, with mistakes explained.
    let added =
        post("/admin/organisations", format!("csrf={csrf}&name=Org+C&kind=faith_based&country=KE"), &coord).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    assert!(get_page(&app, "/admin", &coord).await.body.contains("<td>Org C</td>"));
    let twice = post("/admin/organisations", format!("csrf={csrf}&name=org+c&kind=ngo&country=KE"), &coord).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("already exists"));
    let backwards =
        post("/admin/rounds", format!("csrf={csrf}&name=Kenya+2021&start=2021-12-31&end=2021-01-01"), &coord).await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    let round =
        post("/admin/rounds", format!("csrf={csrf}&name=Kenya+2021&start=2021-01-01&end=2021-12-31"), &coord).await;
    assert_eq!(round.status, StatusCode::SEE_OTHER);
    assert!(get_page(&app, "/reports/new", &coord).await.body.contains("Kenya 2021"), "the new round is offered");

    // An organisation's administrator manages their own organisation's users, nothing more.
    let admin = post(
        "/admin/users",
        format!("csrf={csrf}&email=adm%40x.org&organisation=Org+A&role=org_admin&password=a+long+enough+password"),
        &coord,
    )
    .await;
    assert_eq!(admin.status, StatusCode::SEE_OTHER, "{}", admin.body);
    let (adm, adm_csrf) = sign_in_browser(&app, "adm@x.org").await;
    let theirs = get_page(&app, "/admin", &adm).await;
    assert!(
        theirs.body.contains("a@x.org")
            && !theirs.body.contains("b@x.org")
            && !theirs.body.contains("Collection rounds")
    );
    let viewer = post(
        "/admin/users",
        format!("csrf={adm_csrf}&email=gov%40x.org&organisation=Org+A&role=viewer&password=a+long+enough+password"),
        &adm,
    )
    .await;
    assert_eq!(viewer.status, StatusCode::UNPROCESSABLE_ENTITY, "viewers come from the coordinator");
    let elsewhere = post(
        "/admin/users",
        format!("csrf={adm_csrf}&email=r2%40x.org&organisation=Org+B&role=reporter&password=a+long+enough+password"),
        &adm,
    )
    .await;
    assert_eq!(elsewhere.status, StatusCode::UNPROCESSABLE_ENTITY);
    let short = post(
        "/admin/users",
        format!("csrf={adm_csrf}&email=r3%40x.org&organisation=Org+A&role=reporter&password=short"),
        &adm,
    )
    .await;
    assert!(short.body.contains("too short"));
    assert_eq!(
        post("/admin/organisations", format!("csrf={adm_csrf}&name=Mine&kind=ngo"), &adm).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post("/admin/users/state", format!("csrf={adm_csrf}&email=b%40x.org&disabled=1"), &adm).await.status,
        StatusCode::NOT_FOUND,
        "another organisation's user"
    );
    let a_token = token(&app, "a@x.org").await;
    let off = post("/admin/users/state", format!("csrf={adm_csrf}&email=a%40x.org&disabled=1"), &adm).await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    assert_eq!(call(&app, "GET", "/api/v1/reports", Some(&a_token), None).await.status, StatusCode::UNAUTHORIZED);
    let again =
        call(&app, "POST", "/api/v1/tokens", None, Some(json!({ "email": "a@x.org", "password": PASSWORD }))).await;
    assert_ne!(again.status, StatusCode::CREATED, "a disabled user cannot sign in");

    // After someone guessed at b@x.org's password, the coordinator lifts the wait from the page.
    for _ in 0..5 {
        token_from(&app, "203.0.113.50", "b@x.org", "guess").await;
    }
    assert_eq!(token_from(&app, "203.0.113.50", "b@x.org", PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
    let page = get_page(&app, "/admin", &coord).await;
    assert!(page.body.contains("Unlock (5 failed sign-ins)"), "the page offers to unlock");
    let unlocked = post("/admin/users/state", format!("csrf={csrf}&email=b%40x.org&unlock=1"), &coord).await;
    assert_eq!(unlocked.status, StatusCode::SEE_OTHER);
    assert_eq!(token_from(&app, "203.0.113.50", "b@x.org", PASSWORD).await.status, StatusCode::CREATED);
    assert!(!get_page(&app, "/admin", &coord).await.body.contains("Unlock (5 failed"), "b@x.org starts again");

    // Reporters and viewers have no administration at all.
    for who in ["b@x.org", "v@x.org"] {
        let (c, c_csrf) = sign_in_browser(&app, who).await;
        assert_eq!(get_page(&app, "/admin", &c).await.status, StatusCode::NOT_FOUND, "{who}");
        assert!(!get_page(&app, "/dashboard", &c).await.body.contains("href=\"/admin\""), "{who}");
        assert_eq!(
            post("/admin/rounds", format!("csrf={c_csrf}&name=X&start=2021-01-01&end=2021-02-01"), &c).await.status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn every_api_rejection_comes_in_the_error_envelope() {
    let app = app("envelope");
    let t = token(&app, "a@x.org").await;
    let raw = |method: &str, uri: &str, content_type: Option<&str>, body: &str| {
        let mut r = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "vjt.test")
            .header(header::AUTHORIZATION, format!("Bearer {t}"));
        if let Some(ct) = content_type {
            r = r.header(header::CONTENT_TYPE, ct);
        }
        r.body(Body::from(body.to_string())).unwrap()
    };
    for (req, status, code) in [
        (raw("POST", "/api/v1/reports", Some("application/json"), "{not json"), StatusCode::BAD_REQUEST, "bad_request"),
        (
            raw("POST", "/api/v1/reports", Some("text/plain"), "{}"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            raw("POST", "/api/v1/reports", Some("application/json"), r#"{"origin":"x","name_of_victim":"y"}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (raw("GET", "/api/v1/reports/not-a-number", None, ""), StatusCode::BAD_REQUEST, "bad_request"),
        (raw("GET", "/api/v1/reports?limit=many", None, ""), StatusCode::BAD_REQUEST, "bad_request"),
        (raw("GET", "/api/v1/no-such-thing", None, ""), StatusCode::NOT_FOUND, "not_found"),
        (raw("PATCH", "/api/v1/reports", None, ""), StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
    ] {
        let what = format!("{} {}", req.method(), req.uri());
        let a = send(&app, req).await;
        assert_eq!(a.status, status, "{what}: {}", a.body);
        assert!(a.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/json"), "{what}");
        let e = a.json();
        assert_eq!(e["error"]["code"], code, "{what}: {}", a.body);
        assert!(e["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}");
        assert!(e["error"].get("details").is_some(), "{what}");
        assert!(a.headers.contains_key("x-request-id"), "{what}: every answer carries its request id");
    }
    let unknown =
        send(&app, raw("POST", "/api/v1/reports", Some("application/json"), r#"{"name_of_victim":"y"}"#)).await;
    assert!(unknown.json()["error"]["message"].as_str().unwrap().contains("name_of_victim"), "says which field");
}

#[tokio::test]
async fn pages_answer_errors_as_pages_in_the_readers_language() {
    let app = app("error_pages");
    let (cookie, _) = sign_in_browser(&app, "a@x.org").await;
    let missing = get_page(&app, "/no/such/page", &cookie).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert!(missing.body.contains("<main id=\"main\"") && missing.body.contains("Page not found"), "in the layout");
    assert!(missing.body.contains("a@x.org"), "with the reader's own header");
    let hidden = get_page(&app, "/review", &cookie).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "a page for others is not found");
    assert!(hidden.body.contains("Page not found"));
    let sw = get_page(&app, "/no/such/page", &format!("{cookie}; vjt_lang=sw")).await;
    assert!(sw.body.contains("Ukurasa haupatikani") && sw.body.contains("<html lang=\"sw\""));
    let anonymous =
        send(&app, Request::builder().uri("/nowhere").header(header::HOST, "vjt.test").body(Body::empty()).unwrap())
            .await;
    assert!(anonymous.body.contains("Page not found") && anonymous.body.contains("href=\"/lang/sw\""));
    // A form whose token is wrong: a page that says so, not JSON.
    let forged = send(&app, form("/reports/new", "csrf=wrong&origin=x&action=save", Some(&cookie), None)).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.body.contains("<main") && forged.body.contains("The form has expired"), "{}", forged.body);
}

#[tokio::test]
async fn a_server_failure_is_logged_and_answered_without_its_cause() {
    let dir = std::env::temp_dir().join(format!("vjt_web_failure_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("vjt.db");
    let app = {
        let s = Store::open(path.to_str().unwrap()).unwrap();
        s.add_organisation(&NewOrganisation {
            name: OrganisationName::parse("Org A").unwrap(),
            kind: OrganisationKind::Ngo,
            country: None,
        })
        .unwrap();
        let hash = vjt_service::accounts::hash_password(PASSWORD).unwrap();
        s.add_user("a@x.org", vjt_domain::OrganisationId(1), Role::Reporter, &hash).unwrap();
        vjt_web::app(s)
    };
    let t = token(&app, "a@x.org").await;
    // Damage the database behind the server's back: the next read fails inside.
    rusqlite::Connection::open(&path).unwrap().execute_batch("DROP TABLE rounds").unwrap();
    let a = call(&app, "GET", "/api/v1/reports", Some(&t), None).await;
    assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(a.json()["error"]["code"], "internal");
    assert!(!a.body.contains("rounds") && !a.body.to_lowercase().contains("sqlite"), "no cause leaks: {}", a.body);
    assert!(a.headers.contains_key("x-request-id"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every message a page or the server asks for exists in the catalogue (in both languages, the
/// catalogue's own tests make sure), so no page shows a bare key.
#[test]
fn every_message_the_web_asks_for_is_in_the_catalogue() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = Vec::new();
    for dir in ["templates", "src", "src/pages"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
            if e.path().is_file() {
                sources.push(std::fs::read_to_string(e.path()).unwrap());
            }
        }
    }
    let words = vjt_domain::Catalogue::new(vjt_domain::Lang::Sw);
    let mut checked = 0;
    for text in &sources {
        for opener in [
            ".t(\"",
            ".n(\"",
            ".f(\"",
            "Message::new(\"",
            "Layout::new(lang, Some(&session), \"",
            "Layout::new(lang, Some(session), \"",
            "Layout::new(lang, None, \"",
            "plain(StatusCode::FORBIDDEN, crate::session::lang_of(req.headers()), \"",
        ] {
            for piece in text.split(opener).skip(1) {
                let key = piece.split('"').next().unwrap();
                if key.contains(['{', ' ']) || key.is_empty() {
                    continue;
                }
                assert!(words.has(key), "'{key}' is asked for but not in the catalogue");
                checked += 1;
            }
        }
    }
    assert!(checked > 150, "the sources were read ({checked} messages)");
}

#[tokio::test]
async fn kiswahili_pages_show_no_english_sentence() {
    let app = app("kiswahili");
    let a = token(&app, "a@x.org").await;
    let created = call(&app, "POST", "/api/v1/reports", Some(&a), Some(route())).await.json();
    let id = created["id"].as_i64().unwrap();
    let english = vjt_catalogue::english_phrases();
    assert!(english.len() > 50, "the English phrases were found");
    for (who, pages) in [
        (
            "a@x.org",
            vec![
                "/dashboard".to_string(),
                "/reports".into(),
                "/reports/new".into(),
                format!("/reports/{id}"),
                "/dashboard/county/KE-11".into(),
            ],
        ),
        (
            "coord@x.org",
            vec![
                "/review".into(),
                "/import".into(),
                "/admin".into(),
                "/dashboard/county/KE-30".into(),
                "/nowhere".into(),
            ],
        ),
    ] {
        let (cookie, csrf) = sign_in_browser(&app, who).await;
        let cookie = format!("{cookie}; vjt_lang=sw");
        let mut shown = Vec::new();
        for uri in &pages {
            shown.push((uri.clone(), get_page(&app, uri, &cookie).await.body));
        }
        if who == "a@x.org" {
            // A form sent back with its problems, in Kiswahili too.
            let wrong = send(
                &app,
                form(
                    "/reports/new",
                    &format!("csrf={csrf}&round=Kenya+2020&victims=lots&period_start=2020-13&action=save"),
                    Some(&cookie),
                    None,
                ),
            )
            .await;
            assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(wrong.body.contains("si namba kamili") && wrong.body.contains("si mwezi"), "{}", wrong.body);
            shown.push(("/reports/new (problems)".into(), wrong.body));
        }
        for (uri, body) in shown {
            assert!(body.contains("<html lang=\"sw\""), "{uri}");
            for phrase in &english {
                let escaped =
                    phrase.replace('&', "&amp;").replace('\'', "&#39;").replace('<', "&#60;").replace('>', "&#62;");
                assert!(!body.contains(phrase.as_str()) && !body.contains(&escaped), "{uri} shows English: {phrase}");
            }
        }
    }
}

/// Tests that time a real server, and the browser test (the heaviest), take turns: their
/// figures should measure vjt, not the other tests sharing the machine.
static TIMED: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn timed_turn() -> std::sync::MutexGuard<'static, ()> {
    TIMED.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A running server on a free port, with the given patience, and the store behind it.
fn running_server(name: &str, patience: vjt_web::Patience) -> (tokio::runtime::Runtime, u16, Store) {
    serve_store(store(name), patience)
}

/// A running server over `store` on a free port.
fn serve_store(store: Store, patience: vjt_web::Patience) -> (tokio::runtime::Runtime, u16, Store) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind(("127.0.0.1", 0))).unwrap();
    let port = listener.local_addr().unwrap().port();
    let state = vjt_web::AppState::new(store.clone());
    runtime.spawn(vjt_web::serve_on(listener, state, patience, std::future::pending()));
    (runtime, port, store)
}

/// One request over a fresh connection; the status line and how long the answer took.
fn raw_request(port: u16, request: &[u8]) -> (String, std::time::Duration) {
    use std::io::{Read, Write};
    let started = std::time::Instant::now();
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    // The server may answer (and close) before a large body is all sent.
    let _ = s.write_all(request);
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    (text.lines().next().unwrap_or("").to_string(), started.elapsed())
}

fn get_login(port: u16) -> (String, std::time::Duration) {
    raw_request(port, b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
}

/// Whether the server has closed the connection (rather than still waiting on it).
fn closed_by_server(s: &mut std::net::TcpStream) -> bool {
    use std::io::Read;
    s.set_read_timeout(Some(std::time::Duration::from_secs(3))).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue, // an error page first, then the close
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return false
            }
            Err(_) => return true, // reset
        }
    }
}

#[test]
fn clients_that_trickle_bytes_are_cut_off_and_others_are_served() {
    use std::io::Write;
    let _turn = timed_turn();
    let patience = vjt_web::Patience {
        header: std::time::Duration::from_secs(1),
        body_idle: std::time::Duration::from_secs(1),
        shutdown: std::time::Duration::from_secs(1),
    };
    let (_runtime, port, _store) = running_server("slow", patience);
    // Slowloris: headers begun and never finished, on many connections.
    let mut slow: Vec<std::net::TcpStream> = (0..50)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.write_all(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1").unwrap();
            s
        })
        .collect();
    // A body that stops coming.
    let mut trickle = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    trickle
        .write_all(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nemail=a")
        .unwrap();
    // An idle kept-alive connection after one answer.
    let mut idle = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    idle.write_all(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();

    let (status, took) = get_login(port);
    assert!(status.contains("200"), "{status}");
    assert!(took < std::time::Duration::from_secs(2), "a normal request waited {took:?}");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    for (i, s) in slow.iter_mut().enumerate() {
        assert!(closed_by_server(s), "slow header connection {i} is still open");
    }
    assert!(closed_by_server(&mut trickle), "the stalled body's connection is still open");
    assert!(closed_by_server(&mut idle), "the idle connection is still open");
}

#[test]
fn heavy_requests_from_signed_in_users_do_not_hold_up_others() {
    let _turn = timed_turn();
    let (runtime, port, store) = running_server("heavy", vjt_web::Patience::default());
    let router = vjt_web::app(store);
    let (reporter, csrf) = runtime.block_on(sign_in_browser(&router, "a@x.org"));
    let (viewer, viewer_csrf) = runtime.block_on(sign_in_browser(&router, "v@x.org"));
    // "Check places" with a transit box of ~1 MB of lines (once every line was resolved).
    let lines = "Nairobi Kisumu Mombasa Eldoret\n".repeat(30_000);
    let body = format!("action=check&origin=Kakamega&transit={}", lines.replace(' ', "+").replace('\n', "%0A"));
    let check = format!(
        "POST /reports/new?csrf={csrf} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {reporter}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    // A viewer's 8 MiB multipart upload with a 200 KB boundary (once parsed in full to find a token).
    let boundary = "b".repeat(200_000);
    let mut upload = format!(
        "POST /import?csrf={viewer_csrf} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {viewer}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        8 << 20
    )
    .into_bytes();
    upload.extend(std::iter::repeat_n(b'a', 8 << 20));
    let attackers: Vec<_> = (0..2)
        .flat_map(|_| [check.clone().into_bytes(), upload.clone()])
        .map(|req| std::thread::spawn(move || (0..3).map(|_| raw_request(port, &req).0).collect::<Vec<_>>()))
        .collect();
    let mut slowest = std::time::Duration::ZERO;
    for _ in 0..20 {
        let (status, took) = get_login(port);
        assert!(status.contains("200"), "{status}");
        slowest = slowest.max(took);
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let answers: Vec<String> = attackers.into_iter().flat_map(|a| a.join().unwrap()).collect();
    eprintln!("slowest GET /login behind heavy requests: {slowest:?}");
    assert!(slowest < std::time::Duration::from_secs(2), "GET /login waited {slowest:?} behind heavy requests");
    assert!(answers.iter().any(|a| a.contains("200")), "the check itself is answered: {answers:?}");
    assert!(answers.iter().any(|a| a.contains("404") || a.contains("413") || a.is_empty()), "{answers:?}");
}

#[tokio::test]
async fn an_edit_changes_its_own_report_only_and_keeps_a_withheld_count() {
    let app = app("edit_integrity");
    let a = token(&app, "a@x.org").await;
    // Two reports without a reference (a reference once decided which stored report an edit
    // hit); the first, from the form, with a withheld count (the API takes whole numbers only).
    let (cookie, csrf) = sign_in_browser(&app, "a@x.org").await;
    let fields = "round=Kenya+2020&origin=Kakamega&transit=Busia%0ANakuru&intended_destination=Nairobi&exploitation_types=domestic_servitude&victims=%3C5";
    let made =
        send(&app, form("/reports/new", &format!("csrf={csrf}&action=save&{fields}"), Some(&cookie), None)).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let location = made.headers[header::LOCATION].to_str().unwrap();
    let one: i64 = location.trim_start_matches("/reports/").split('?').next().unwrap().parse().unwrap();
    let two = call(&app, "POST", "/api/v1/reports", Some(&a), Some(route())).await.json()["id"].as_i64().unwrap();
    let mut changed = route();
    changed["victims"] = json!(30);
    changed["origin"] = json!("Kisumu");
    let put = call(&app, "PUT", &format!("/api/v1/reports/{two}"), Some(&a), Some(changed)).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!((put.json()["id"].as_i64(), put.json()["victims"].as_i64()), (Some(two), Some(30)));
    let first_now = call(&app, "GET", &format!("/api/v1/reports/{one}"), Some(&a), None).await.json();
    assert_eq!(first_now["stops"][0]["text"], "Kakamega", "the other report is untouched: {first_now}");
    assert_eq!(first_now["victims_below"], 5, "{first_now}");

    // Saving the edit form as shown keeps the withheld count.
    let page = get_page(&app, &format!("/reports/{one}"), &cookie).await;
    let victims = page.body.split("id=\"victims\"").next().unwrap().rsplit('<').next().unwrap().to_string()
        + page.body.split("id=\"victims\"").nth(1).unwrap().split('>').next().unwrap();
    assert!(victims.contains("&lt;5") || victims.contains("&#60;5"), "the form shows the withheld count: {victims}");
    assert!(!victims.contains("type=\"number\""), "a browser empties a number box holding <5: {victims}");
    let body = format!("csrf={csrf}&action=save&{fields}");
    let saved = send(&app, form(&format!("/reports/{one}"), &body, Some(&cookie), None)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = call(&app, "GET", &format!("/api/v1/reports/{one}"), Some(&a), None).await.json();
    assert_eq!(after["victims_below"], 5, "{after}");

    // Counts past the maximum are refused with a reason.
    let mut huge = route();
    huge["victims"] = json!(4_294_967_295u64);
    let refused = call(&app, "POST", "/api/v1/reports", Some(&a), Some(huge)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("more than 100000 people"), "{}", refused.body);
}

#[tokio::test]
async fn the_language_switch_goes_back_on_this_site_only_and_sign_out_clears_drafts() {
    let app = app("redirects");
    for (referer, back) in [
        ("http://vjt.test/dashboard?round=Kenya+2020", "/dashboard?round=Kenya+2020"),
        ("http://vjt.test/\\evil.example", "/"),
        ("http://vjt.test//evil.example", "/"),
        ("http://evil.example/vjt.test", "/"),
        ("http://vjt.test.evil.example/x", "/"),
    ] {
        let req = Request::get("/lang/sw")
            .header(header::HOST, "vjt.test")
            .header(header::REFERER, referer)
            .body(Body::empty())
            .unwrap();
        let a = send(&app, req).await;
        assert_eq!(a.headers[header::LOCATION], back, "{referer}");
    }
    let (cookie, csrf) = sign_in_browser(&app, "a@x.org").await;
    let out = send(&app, form("/logout", &format!("csrf={csrf}"), Some(&cookie), None)).await;
    assert_eq!(out.headers[header::LOCATION], "/login?signed_out=1");
    assert_eq!(out.headers["clear-site-data"], "\"storage\"");
    let page =
        send(&app, Request::get("/login?signed_out=1").header(header::HOST, "vjt.test").body(Body::empty()).unwrap())
            .await;
    assert!(page.body.contains("data-clear-draft=\"all\"") && page.body.contains("/assets/form.js"));
}

#[tokio::test]
async fn the_review_queue_reaches_every_waiting_report_and_a_rejection_says_why() {
    let store = store("queue");
    let orgs: Vec<_> = store.organisations().unwrap().iter().map(|o| o.id).collect();
    let (org_a, org_b) = (orgs[0], orgs[1]);
    let round = store.rounds().unwrap()[0].id;
    let mut reports = vjt_demo::reports(&[org_a, org_b], &[round], 230, 7);
    for r in &mut reports {
        r.set_status(vjt_domain::ReviewStatus::Submitted);
    }
    let ids = store.save_reports(&reports).unwrap().ids;
    let total = ids.len();
    assert!(total > 200, "more than the old page of 200: {total}");
    let app = vjt_web::app(store.clone());
    let (coord, csrf) = sign_in_browser(&app, "coord@x.org").await;

    // Page by page, oldest first, to the last waiting report.
    let mut uri = "/review".to_string();
    let mut seen = 0;
    let mut pages = 0;
    loop {
        let page = get_page(&app, &uri, &coord).await;
        assert_eq!(page.status, StatusCode::OK);
        pages += 1;
        let start = seen + 1;
        seen += page.body.matches("<tr id=\"r").count();
        assert!(page.body.contains(&format!("Showing {start}–{seen} of {total}, oldest first.")), "{uri}");
        let Some(next) = page.body.split("&amp;after=").nth(1).map(|rest| rest.split('#').next().unwrap().to_string())
        else {
            break;
        };
        uri = format!("/review?after={next}");
    }
    assert_eq!((seen, pages), (total, total.div_ceil(50)));
    assert!(get_page(&app, &uri, &coord).await.body.contains(&format!("href=\"/reports/{}\"", ids[total - 1].0)));

    // Filtered by organisation, the count says so.
    let only_b = reports.iter().filter(|r| r.organisation == org_b).count();
    let page = get_page(&app, &format!("/review?org={}", org_b.0), &coord).await;
    assert!(page.body.contains(&format!("{only_b} reports wait for review")), "{only_b}");

    // Rejecting needs a reason; the decision returns to the same page, and the reporter reads it.
    let target = ids[120].0;
    let post = |body: String| send(&app, form(&format!("/review/reports/{target}"), &body, Some(&coord), None));
    let refused = post(format!("csrf={csrf}&decision=rejected&reason=+&after=100")).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("Say why the report is rejected"));
    let done =
        post(format!("csrf={csrf}&decision=rejected&reason=Origin+is+a+village%2C+give+its+county&after=100")).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.headers[header::LOCATION], format!("/review?after=100&done=rejected&report={target}#queue"));
    let back = get_page(&app, &format!("/review?after=100&done=rejected&report={target}"), &coord).await;
    assert!(back.body.contains(&format!("Report #{target} was rejected")));
    assert!(back.body.contains(&format!("Showing 101–150 of {}", total - 1)));
    let owner = if reports[120].organisation == org_a { "a@x.org" } else { "b@x.org" };
    let (reporter, _) = sign_in_browser(&app, owner).await;
    let seen_by_reporter = get_page(&app, &format!("/reports/{target}"), &reporter).await;
    assert!(
        seen_by_reporter.body.contains("review: Rejected. Reason: Origin is a village, give its county")
            && seen_by_reporter.body.contains("review by coord@x.org"),
        "the reporter sees why, and who decided"
    );
}

#[tokio::test]
async fn names_in_notes_are_flagged_until_removed_or_confirmed() {
    let app = app("names");
    let (cookie, csrf) = sign_in_browser(&app, "a@x.org").await;
    let fields = "round=Kenya+2020&origin=Kakamega&intended_destination=Nairobi&exploitation_types=domestic_servitude";
    let notes = "notes=Survivor+Mary+Wanjiku+was+recruited+at+the+stage";
    let flagged =
        send(&app, form("/reports/new", &format!("csrf={csrf}&action=save&{fields}&{notes}"), Some(&cookie), None))
            .await;
    assert_eq!(flagged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        flagged.body.contains("&#39;Mary Wanjiku&#39; may be the name of a person")
            || flagged.body.contains("'Mary Wanjiku' may be the name of a person"),
        "the words are named"
    );
    assert!(flagged.body.contains("name=\"names_checked\""), "the form offers the confirmation");
    let sw = format!("{cookie}; vjt_lang=sw");
    let flagged_sw =
        send(&app, form("/reports/new", &format!("csrf={csrf}&action=save&{fields}&{notes}"), Some(&sw), None)).await;
    assert!(flagged_sw.body.contains("huenda ni jina la mtu"));
    // Removing the name saves; so does confirming that a flagged word is not a name.
    let clean = send(
        &app,
        form(
            "/reports/new",
            &format!("csrf={csrf}&action=save&{fields}&notes=A+survivor+was+recruited+at+the+stage"),
            Some(&cookie),
            None,
        ),
    )
    .await;
    assert_eq!(clean.status, StatusCode::SEE_OTHER, "{}", clean.body);
    let confirmed = send(
        &app,
        form(
            "/reports/new",
            &format!("csrf={csrf}&action=save&{fields}&notes=Met+at+Grace+Hotel&names_checked=1"),
            Some(&cookie),
            None,
        ),
    )
    .await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER, "{}", confirmed.body);

    // The API the same way.
    let t = token(&app, "a@x.org").await;
    let mut named = route();
    named["notes"] = json!("recruiter called Otieno promised hotel work");
    let refused = call(&app, "POST", "/api/v1/reports", Some(&t), Some(named.clone())).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["error"]["details"][0]["field"], "notes", "{}", refused.body);
    named["names_checked"] = json!(true);
    assert_eq!(call(&app, "POST", "/api/v1/reports", Some(&t), Some(named)).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn an_unknown_place_is_decided_by_typing_any_place() {
    let app = app("place_search");
    let t = token(&app, "a@x.org").await;
    let mut r = route();
    r["origin"] = json!("Kwa Mzee stage");
    let id = call(&app, "POST", "/api/v1/reports", Some(&t), Some(r)).await.json()["id"].as_i64().unwrap();
    let (coord, csrf) = sign_in_browser(&app, "coord@x.org").await;
    let queue = get_page(&app, "/review", &coord).await;
    assert!(
        queue.body.contains("Kwa Mzee stage") && queue.body.contains("name=\"search\""),
        "every name gets a search box"
    );
    let post = |body: String| send(&app, form("/review/places", &body, Some(&coord), None));
    let nothing = post(format!("csrf={csrf}&text=Kwa+Mzee+stage&search=Qqxzzyv")).await;
    assert_eq!(nothing.status, StatusCode::BAD_REQUEST);
    assert!(nothing.body.contains("No place matches"), "{}", nothing.body);
    let decided = post(format!("csrf={csrf}&text=Kwa+Mzee+stage&search=Kakamega")).await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    let now = call(&app, "GET", &format!("/api/v1/reports/{id}"), Some(&t), None).await.json();
    assert_eq!(now["stops"][0]["place"]["name"], "Kakamega", "{now}");
    assert!(!get_page(&app, "/review", &coord).await.body.contains("<td>Kwa Mzee stage</td>"));
}

#[tokio::test]
async fn everyone_changes_their_password_and_administrators_reset_one() {
    let app = app("passwords");
    let old_token = token(&app, "a@x.org").await;
    let (cookie, csrf) = sign_in_browser(&app, "a@x.org").await;
    let account = get_page(&app, "/account", &cookie).await;
    assert!(account.body.contains("Change your password") && account.body.contains("href=\"/account\""));
    let change = |current: &str, new: &str, again: &str| {
        let body = format!(
            "csrf={csrf}&current={}&new={}&again={}",
            current.replace(' ', "+"),
            new.replace(' ', "+"),
            again.replace(' ', "+")
        );
        send(&app, form("/account/password", &body, Some(&cookie), None))
    };
    let wrong = change("not it at all", "a new long passphrase", "a new long passphrase").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("The current password is wrong"));
    assert!(change(PASSWORD, "a new long passphrase", "another phrase").await.body.contains("differ"));
    assert!(change(PASSWORD, "password123", "password123").await.body.contains("commonest leaked passwords"));
    let done = change(PASSWORD, "a new long passphrase", "a new long passphrase").await;
    assert_eq!(done.headers[header::LOCATION], "/account?done=1");
    assert_eq!(
        call(&app, "GET", "/api/v1/reports", Some(&old_token), None).await.status,
        StatusCode::UNAUTHORIZED,
        "other tokens end"
    );
    assert_eq!(get_page(&app, "/reports", &cookie).await.status, StatusCode::OK, "this session stays");
    let new = call(
        &app,
        "POST",
        "/api/v1/tokens",
        None,
        Some(json!({ "email": "a@x.org", "password": "a new long passphrase" })),
    )
    .await;
    assert_eq!(new.status, StatusCode::CREATED);

    // The coordinator resets another user's password: shown once, the user signed out everywhere.
    let b_token = token(&app, "b@x.org").await;
    let (coord, coord_csrf) = sign_in_browser(&app, "coord@x.org").await;
    let reset = send(
        &app,
        form("/admin/users/state", &format!("csrf={coord_csrf}&email=b%40x.org&reset=1"), Some(&coord), None),
    )
    .await;
    assert_eq!(reset.status, StatusCode::OK);
    let password = reset.body.split("has a new password: ").nth(1).unwrap().split(' ').next().unwrap().to_string();
    assert_eq!(password.len(), 16);
    assert_eq!(call(&app, "GET", "/api/v1/reports", Some(&b_token), None).await.status, StatusCode::UNAUTHORIZED);
    let b = call(&app, "POST", "/api/v1/tokens", None, Some(json!({ "email": "b@x.org", "password": password }))).await;
    assert_eq!(b.status, StatusCode::CREATED);
    // A viewer cannot reset anyone: the route is not there for them.
    let (viewer, viewer_csrf) = sign_in_browser(&app, "v@x.org").await;
    let body = format!("csrf={viewer_csrf}&email=coord%40x.org&reset=1");
    let refused = send(&app, form("/admin/users/state", &body, Some(&viewer), None)).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(token(&app, "coord@x.org").await.len(), 64, "the coordinator's password is unchanged");
}

#[tokio::test]
async fn a_place_text_that_is_personal_data_is_removed_from_every_report() {
    let app = app("place_remove");
    let t = token(&app, "a@x.org").await;
    let mut r = route();
    r["transit"] = json!(["Busia", "Mzee Kamau's house"]);
    let id = call(&app, "POST", "/api/v1/reports", Some(&t), Some(r)).await.json()["id"].as_i64().unwrap();
    let (coord, csrf) = sign_in_browser(&app, "coord@x.org").await;
    assert!(get_page(&app, "/review", &coord).await.body.contains("Not a place: remove it"));
    let text = "Mzee+Kamau%27s+house";
    let removed =
        send(&app, form("/review/places", &format!("csrf={csrf}&text={text}&decision=remove"), Some(&coord), None))
            .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    let now = call(&app, "GET", &format!("/api/v1/reports/{id}"), Some(&t), None).await;
    assert!(!now.body.contains("Kamau"), "{}", now.body);
    assert_eq!(now.json()["stops"][2]["text"], "[removed]");
    assert!(!get_page(&app, "/review", &coord).await.body.contains("Kamau"));
}

#[tokio::test]
async fn a_misspelt_or_region_level_place_asks_to_be_confirmed() {
    let app = app("place_check");
    let (cookie, csrf) = sign_in_browser(&app, "a@x.org").await;
    let body = format!(
        "csrf={csrf}&action=check&origin=Kakamega&exploitation_place=Sudi+Arabiya&intended_destination=Middle+East"
    );
    let page = send(&app, form("/reports/new", &body, Some(&cookie), None)).await;
    let notes: Vec<&str> =
        page.body.split("class=\"place-note ").skip(1).map(|n| n.split("</span>").next().unwrap()).collect();
    let origin = notes.iter().find(|n| n.contains("Kakamega")).unwrap();
    assert!(origin.starts_with("ok"), "an exact name is ticked: {origin}");
    for n in notes.iter().filter(|n| !n.contains("Kakamega")) {
        assert!(n.starts_with("error") && n.contains("is that what you meant"), "{n}");
    }
    assert_eq!(notes.len(), 3, "{notes:?}");
    let t = token(&app, "a@x.org").await;
    let api = call(&app, "GET", "/api/v1/places/resolve?q=Sudi+Arabiya", Some(&t), None).await.json();
    assert_eq!((api["status"].as_str(), api["how"].as_str()), (Some("resolved"), Some("fuzzy")), "{api}");
}

#[tokio::test]
async fn report_lists_are_searched_filtered_and_paged() {
    let store = store("lists");
    let orgs: Vec<_> = store.organisations().unwrap().iter().map(|o| o.id).collect();
    let (org_a, org_b) = (orgs[0], orgs[1]);
    let round = store.rounds().unwrap()[0].id;
    let reports = vjt_demo::reports(&[org_a, org_b], &[round], 160, 11);
    let ids = store.save_reports(&reports).unwrap().ids;
    let app = vjt_web::app(store.clone());
    let (coord, _) = sign_in_browser(&app, "coord@x.org").await;
    let all = get_page(&app, "/reports", &coord).await;
    assert!(all.body.contains(&format!("{} reports.", ids.len())));
    assert_eq!(all.body.matches("<tr><td><a href=\"/reports/").count(), 50, "a page of 50");

    // Words found in any stop as written, any case; the count and the next page keep them.
    let word = "nairobi";
    let has =
        |r: &vjt_domain::RouteReport| r.journey.stops().any(|(_, s)| s.text.as_str().to_lowercase().contains(word));
    let expected: Vec<i64> = reports.iter().zip(&ids).filter(|(r, _)| has(r)).map(|(_, id)| id.0).collect();
    assert!(expected.len() > 50, "enough for two pages: {}", expected.len());
    let found = get_page(&app, "/reports?q=NAIROBI", &coord).await;
    assert!(found.body.contains(&format!("{} reports match.", expected.len())), "{}", expected.len());
    assert!(found.body.contains("value=\"NAIROBI\""), "the search is shown back");
    let older =
        found.body.split("href=\"/reports?q=NAIROBI&amp;before=").nth(1).expect("the next page keeps the search");
    let before = older.split('"').next().unwrap();
    let next = get_page(&app, &format!("/reports?q=NAIROBI&before={before}"), &coord).await;
    let mut listed: Vec<i64> = [&found.body, &next.body]
        .iter()
        .flat_map(|b| {
            b.split("<tr><td><a href=\"/reports/").skip(1).map(|x| x.split('"').next().unwrap().parse().unwrap())
        })
        .collect();
    listed.sort();
    assert_eq!(listed.len(), expected.len().min(100));
    assert!(listed.iter().all(|id| expected.contains(id)), "only matching reports are listed");
    // A number finds its report; markup in the box is shown as text.
    let one = get_page(&app, &format!("/reports?q=%23{}", ids[7].0), &coord).await;
    assert!(one.body.contains("1 report matches."));
    let odd = get_page(&app, "/reports?q=%3Cscript%3E&status=nonsense&round=x", &coord).await;
    assert_eq!(odd.status, StatusCode::OK);
    assert!(odd.body.contains("No report matches") && !odd.body.contains("<script>"));
    // Filters by status and round.
    let verified = reports.iter().filter(|r| r.status == vjt_domain::ReviewStatus::Verified).count();
    let page = get_page(&app, "/reports?status=verified", &coord).await;
    assert!(page.body.contains(&format!("{verified} reports match.")), "{verified}");
    // An organisation searches its own reports only.
    let (reporter, _) = sign_in_browser(&app, "a@x.org").await;
    let own = reports.iter().filter(|r| r.organisation == org_a && has(r)).count();
    let mine = get_page(&app, "/reports?q=nairobi", &reporter).await;
    assert!(mine.body.contains(&format!("{own} reports match.")), "{own}");
    let sw = get_page(&app, "/reports?q=nairobi", &format!("{reporter}; vjt_lang=sw")).await;
    assert!(sw.body.contains(&format!("Ripoti {own} zinalingana.")));
}

#[tokio::test]
async fn the_queue_sorts_newest_first_and_shows_likely_duplicates_side_by_side() {
    let app = app("duplicates");
    let (a, b) = (token(&app, "a@x.org").await, token(&app, "b@x.org").await);
    // One route sent by both organisations, between two others.
    let mut ids = Vec::new();
    for (who, origin) in [(&a, "Kakamega"), (&a, "Mombasa"), (&b, "Kakamega"), (&a, "Kisumu")] {
        let mut r = route();
        r["origin"] = json!(origin);
        let sent = call(&app, "POST", "/api/v1/reports", Some(who), Some(r)).await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
        ids.push(sent.json()["id"].as_i64().unwrap());
    }
    let route = "Kakamega → Busia → Nakuru → Nrb";
    let (coord, _) = sign_in_browser(&app, "coord@x.org").await;
    let oldest = get_page(&app, "/review", &coord).await;
    let first_row = |body: &str| body.split("<tr id=\"r").nth(1).and_then(|x| x.split('"').next()).unwrap().to_string();
    assert_eq!(first_row(&oldest.body), ids[0].to_string());
    let newest = get_page(&app, "/review?sort=newest", &coord).await;
    assert_eq!(first_row(&newest.body), ids[3].to_string());
    assert!(newest.body.contains("newest first.") && newest.body.contains("name=\"sort\" value=\"newest\""));
    // The two reports of one route, a column each, with their details and links.
    let section = newest.body.split("id=\"duplicates\"").nth(1).expect("the duplicates section");
    assert!(section.contains("Likely duplicate 1"), "{section}");
    for id in [ids[0], ids[2]] {
        assert!(section.contains(&format!("<th scope=\"col\"><a href=\"/reports/{id}\">#{id}</a></th>")), "{id}");
    }
    assert!(section.contains("Org A, Kenya 2020") && section.contains("Org B, Kenya 2020"));
    assert_eq!(section.matches(&format!("<td>{route}</td>")).count(), 2, "the same route, side by side");
}

#[tokio::test]
async fn the_dashboard_is_light_and_its_map_legend_is_text() {
    let store = store("light");
    let orgs: Vec<_> = store.organisations().unwrap().iter().map(|o| o.id).collect();
    let round = store.rounds().unwrap()[0].id;
    let reports = vjt_demo::reports(&orgs[..2], &[round], 2 * vjt_demo::STANDARD_PER_ROUND, vjt_demo::STANDARD_SEED);
    store.save_reports(&reports).unwrap();
    let app = vjt_web::app(store.clone());
    let (coord, _) = sign_in_browser(&app, "coord@x.org").await;
    let get = |uri: &'static str, encoding: Option<&'static str>| {
        let mut req = Request::builder().uri(uri).header(header::HOST, "vjt.test").header(header::COOKIE, &coord);
        if let Some(e) = encoding {
            req = req.header(header::ACCEPT_ENCODING, e);
        }
        app.clone().oneshot(req.body(Body::empty()).unwrap())
    };
    let plain = get("/dashboard", None).await.unwrap();
    let html = String::from_utf8(plain.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    let zipped = get("/dashboard", Some("gzip")).await.unwrap();
    assert_eq!(zipped.headers()[header::CONTENT_ENCODING], "gzip");
    let sent = zipped.into_body().collect().await.unwrap().to_bytes().len();
    eprintln!("dashboard: {} bytes, {sent} bytes compressed", html.len());
    assert!(sent <= 150 * 1024, "the landing page is at most 150 KB compressed: {sent}");
    assert!(sent * 3 < html.len(), "and compressed: {sent} of {}", html.len());
    // The style sheet and script are cached; the page itself is not (it holds live figures).
    let css = get("/assets/style.css", None).await.unwrap();
    assert!(css.headers()[header::CACHE_CONTROL].to_str().unwrap().contains("max-age="));
    // The map draws no words (illegible on a phone): its legend, credit and names are text.
    let map = html.split("<figure class=\"map\">").nth(1).unwrap().split("</figure>").next().unwrap();
    let svg = map.split("</svg>").next().unwrap();
    assert!(!svg.contains("<text"), "no words drawn into the map");
    assert_eq!(svg.matches("<title>").count(), 48, "a title for the map and one per county");
    for band in ["low (0–25)", "medium (25–50)", "high (50–75)", "very high (75–100)", "no reports"] {
        assert!(map.contains(band), "the legend names {band}");
    }
    assert!(map.contains("OpenStreetMap"), "the credit is given");
    // The legend's colours are the map's: every county is filled with a colour the legend names.
    let legend: Vec<&str> =
        map.split("</svg>").skip(1).filter_map(|x| x.split("fill=\"").nth(1)?.split('"').next()).collect();
    assert_eq!(legend.len(), 5);
    for fill in svg.split("<path").skip(1).filter_map(|p| p.split("fill=\"").nth(1)?.split('"').next()) {
        assert!(legend.contains(&fill), "{fill} is in the legend {legend:?}");
    }
    assert_eq!(html.matches("<a href=\"/dashboard/county/KE-").count(), 47, "every county links to its page");
}

/// Demo reports with their places resolved as an import would resolve them (saved directly,
/// every stop would wait for a decision).
fn resolved(store: &Store, reports: Vec<vjt_domain::RouteReport>) -> Vec<vjt_domain::RouteReport> {
    let resolver = vjt_service::places::resolver(store).unwrap();
    let g = vjt_gazetteer::Gazetteer::embedded();
    reports
        .into_iter()
        .map(|r| {
            let mut d = r.into_draft();
            for stop in d.journey.stops_mut() {
                let found = resolver.resolve(stop.text.as_str(), &vjt_gazetteer::Context::default());
                stop.place = found.resolved().map(|ix| vjt_domain::PlaceId(g.summary(ix).id.clone()));
            }
            vjt_domain::RouteReport::new(d).unwrap()
        })
        .collect()
}

/// The issue's day on a phone-sized window (390 × 844), in English and then Kiswahili: a
/// reporter makes a mistake, is taken to it, fixes it and saves; the coordinator pages through
/// the queue past its first 200 reports, rejects the new route with a reason, and decides the
/// unknown place it named by typing a place; the reporter finds the report by searching and
/// reads the reason. axe-core checks every page shown, and no page is wider than the screen.
#[test]
fn a_day_on_a_phone_in_both_languages() {
    let (Some(axe), true) = (axe_script(), std::path::Path::new("/usr/bin/chromedriver").exists()) else {
        assert!(
            std::env::var_os("VJT_REQUIRE_BROWSER").is_none(),
            "VJT_REQUIRE_BROWSER is set but axe-core or Chromium is missing"
        );
        eprintln!("skipped: axe-core or Chromium is not installed");
        return;
    };
    let _turn = timed_turn();
    let store = store("phone");
    let orgs: Vec<_> = store.organisations().unwrap().iter().map(|o| o.id).collect();
    let round = store.rounds().unwrap()[0].id;
    let mut waiting = resolved(&store, vjt_demo::reports(&orgs[..2], &[round], 230, 3));
    for r in &mut waiting {
        r.set_status(vjt_domain::ReviewStatus::Submitted);
    }
    store.save_reports(&waiting).unwrap();
    let (runtime, port, _) = serve_store(store, vjt_web::Patience::default());
    let driver = Chromedriver::start("phone");
    let result = std::panic::catch_unwind(|| {
        let shots = std::env::var("VJT_SCREENSHOTS").ok();
        let browser = webdriver::Browser::start(driver.port, &driver.profile);
        browser.resize(390, 844);
        let base = format!("http://127.0.0.1:{port}");
        let mut found = Vec::new();
        let mut look = |what: &str, lang: &str| {
            for v in axe_violations(&browser, &axe) {
                found.push(format!("{lang} {what}: {v}"));
            }
            let wide = browser.execute_async(
                "var over = Array.from(document.querySelectorAll('body *')).filter(function (e) {\
                   return !e.closest('.table-wrap') && e.getBoundingClientRect().right > window.innerWidth + 1; }).slice(-3)\
                   .map(function (e) { return e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40); });\
                 arguments[0]([document.documentElement.scrollWidth, window.innerWidth, over]);",
            );
            assert!(wide[0].as_u64() <= wide[1].as_u64(), "{lang} {what} is wider than the phone: {wide}");
            if let Some(dir) = &shots {
                if lang == "sw" {
                    return;
                }
                let name = what.trim_start_matches('/').replace(['/', '?', '='], "-");
                std::fs::write(std::path::Path::new(dir).join(format!("web-phone-{name}.png")), browser.screenshot())
                    .unwrap();
            }
        };
        let sign_in = |email: &str, lang: &str| {
            browser.forget_cookies();
            browser.go(&format!("{base}/login"));
            browser.type_into("#email", email);
            browser.type_into("#password", PASSWORD);
            browser.click("button[type=submit]");
            assert!(browser.wait_gone("id=\"password\""), "{email} signs in");
            browser.go(&format!("{base}/lang/{lang}"));
        };
        let cases = [
            (
                vjt_domain::Lang::En,
                "en",
                "Kakamega",
                "Kwa Mzee stage",
                "Nairobi",
                "Origin is a village: give its county",
            ),
            (vjt_domain::Lang::Sw, "sw", "Kisumu", "Jua Kali corner", "Mombasa", "Asili ni kijiji: taja kaunti yake"),
        ];
        for (lang, code, origin, unknown, means, reason) in cases {
            let words = vjt_domain::Catalogue::new(lang);
            // The reporter forgets the origin, is taken to the problem, fixes it and saves.
            sign_in("a@x.org", code);
            browser.go(&format!("{base}/reports/new"));
            assert!(browser.wait_for("id=\"route-form\""));
            browser.type_into("#transit", unknown);
            browser.type_into("#intended_destination", "Nrb");
            browser.click("input[value=domestic_servitude]");
            browser.click("button[value=save]");
            assert!(browser.wait_for("id=\"problems\""), "{code}: the form comes back with its problems");
            let focused = browser.execute_async("arguments[0](document.activeElement && document.activeElement.id);");
            assert_eq!(focused, json!("problems"), "{code}: the summary of problems has the focus");
            assert!(browser.source().contains("href=\"#origin\""), "{code}: the summary links to the field");
            look("/reports/new?problems", code);
            browser.click("#problems a[href='#origin']");
            let focused = browser.execute_async("arguments[0](document.activeElement && document.activeElement.id);");
            assert_eq!(focused, json!("origin"), "{code}: the link takes the reporter to the field");
            browser.type_into("#origin", origin);
            browser.click("button[value=save]");
            assert!(browser.wait_for(&words.t("report-saved")), "{code}: saved");
            look("/reports", code);

            // The coordinator pages past the first 200 waiting reports to the new one.
            sign_in("coord@x.org", code);
            browser.go(&format!("{base}/review"));
            assert!(browser.wait_for(&words.f("review-waiting", &[("n", 231u64)])), "{code}: 231 wait");
            look("/review", code);
            let route = format!("{origin} → {unknown} → Nrb");
            let mut pages = 1;
            while !browser.source().contains(&route) {
                browser.click("a[href*='after=']");
                pages += 1;
                assert!(browser.wait_for(&format!("{}–", (pages - 1) * 50 + 1)), "{code}: page {pages} shows");
                assert!(pages <= 5, "{code}: the new report is on the fifth page");
            }
            assert_eq!(pages, 5, "{code}: past the first 200");
            assert!(browser.source().contains("201–231"), "{code}: the page says where it is");
            let id = browser.execute_async(&format!(
                "var row = Array.from(document.querySelectorAll('tr[id^=r]')).find(function (r) {{ return r.textContent.indexOf({route:?}) >= 0; }});\
                 arguments[0](row ? row.id.slice(1) : null);"
            ));
            let id: i64 = id.as_str().expect("the route's row").parse().unwrap();
            look("/review?after", code);
            browser.type_into(&format!("#r{id} input[name=reason]"), reason);
            browser.click(&format!("#r{id} button[value=rejected]"));
            assert!(browser.wait_for(&words.f("review-done-rejected", &[("id", id)])), "{code}: rejected");
            assert!(browser.source().contains("201–230"), "{code}: back on the same page, one report fewer");

            // The unknown place, decided by typing the place it means.
            browser.go(&format!("{base}/review#places"));
            let row = format!("form:has(input[name=text][value='{unknown}'])");
            browser.type_into(&format!("{row} input[name=search]"), means);
            browser.click(&format!("{row} button:not([name])"));
            assert!(browser.wait_gone(&format!("value=\"{unknown}\"")), "{code}: the place is decided");
            browser.go(&format!("{base}/dashboard"));
            assert!(browser.wait_for("class=\"legend\""), "{code}: the dashboard shows");
            let smallest = browser.execute_async(
                "var sizes = Array.from(document.querySelectorAll('main p, main li, main td, main th, figcaption'))\
                   .map(function (e) { return parseFloat(getComputedStyle(e).fontSize); });\
                 arguments[0]([Math.min.apply(null, sizes), document.querySelectorAll('figure.map svg text').length]);",
            );
            assert!(smallest[0].as_f64().unwrap() >= 12.0, "{code}: the dashboard's text is legible: {smallest}");
            assert_eq!(smallest[1], json!(0), "{code}: no words are drawn into the map, where they would be 2-5 px");
            look("/dashboard", code);

            // The reporter finds the report by searching, and reads why it was rejected.
            sign_in("a@x.org", code);
            browser.go(&format!("{base}/reports"));
            browser.type_into("input[name=q]", origin);
            browser.click("form[role=search] button");
            assert!(browser.wait_for(&format!("value=\"{origin}\"")), "{code}: the search is done");
            assert!(browser.source().contains(&format!("href=\"/reports/{id}\"")), "{code}: and finds the report");
            browser.click(&format!("a[href='/reports/{id}']"));
            assert!(browser.wait_for(reason), "{code}: the reporter reads the reason");
            assert!(browser.source().contains(&route), "{code}: on the report's page");
            look("/reports/id", code);
        }
        found
    });
    drop(driver);
    runtime.shutdown_background();
    let found = result.unwrap_or_else(|e| std::panic::resume_unwind(e));
    assert!(found.is_empty(), "axe-core found {} serious or critical violations:\n{}", found.len(), found.join("\n"));
}
