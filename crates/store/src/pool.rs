//! Connections and their pools. SQLite: one writer connection and a pool of read-only readers on
//! the same WAL file, so readers never wait for a writer. PostgreSQL: one pool, every connection
//! may read or write; a connection that broke (the server restarted) is dropped and a new one made.

use std::str::FromStr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::sql::Conn;
use crate::StoreError;

/// How long a request waits for a free connection before the store answers "busy".
pub(crate) const WAIT_FOR_READER: Duration = Duration::from_secs(30);
pub(crate) const WAIT_FOR_WRITER: Duration = Duration::from_secs(10);
/// SQLite: how long a write waits while a file import holds the write lock.
pub(crate) const WAIT_DURING_IMPORT: Duration = Duration::from_secs(1);

/// How a new connection is made.
#[derive(Debug, Clone)]
pub(crate) enum Connector {
    Sqlite {
        path: String,
        /// Readers refuse writes (`query_only`): a bug cannot write past the one writer.
        read_only: bool,
    },
    Postgres {
        config: Box<postgres::Config>,
        tls: Tls,
        schema: Option<String>,
    },
}

/// What the URL's `sslmode` asked for, with libpq's meanings.
#[derive(Debug, Clone)]
pub(crate) enum Tls {
    /// `disable`, or no `sslmode` for a server on this machine (TLS over loopback buys nothing).
    Off,
    /// `prefer` (the default for other hosts) and `require`: encrypted, the certificate not checked.
    Encrypt,
    /// `verify-full`: encrypted, the certificate checked against `sslrootcert` (or the bundled
    /// Mozilla roots) and the host name.
    Verify { root_cert: Option<String> },
}

impl Connector {
    /// Parses a PostgreSQL URL. vjt reads `sslmode` (disable, prefer, require, verify-full) and
    /// `sslrootcert` itself, since the driver knows neither verify-full nor root certificates.
    pub(crate) fn postgres(url: &str, schema: Option<&str>) -> Result<Connector, StoreError> {
        let bad = |reason: String| StoreError::BadUrl { url: crate::hide_password(url), reason };
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut kept = Vec::new();
        let (mut mode, mut root_cert) = (None, None);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("sslmode", v)) => mode = Some(v.to_string()),
                Some(("sslrootcert", v)) => root_cert = Some(crate::percent_decode(v)),
                _ => kept.push(pair),
            }
        }
        let rest = if kept.is_empty() { String::new() } else { format!("?{}", kept.join("&")) };
        let mut config = postgres::Config::from_str(&format!("{base}{rest}")).map_err(|e| bad(e.to_string()))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        let local = config.get_hosts().iter().all(|h| match h {
            postgres::config::Host::Tcp(name) => matches!(name.as_str(), "localhost" | "127.0.0.1" | "::1"),
            postgres::config::Host::Unix(_) => true,
        });
        let tls = match mode.as_deref() {
            None if local => Tls::Off,
            Some("disable") => Tls::Off,
            None | Some("prefer") | Some("require") => Tls::Encrypt,
            Some("verify-full") => Tls::Verify { root_cert },
            Some("verify-ca") => {
                return Err(bad(
                    "sslmode=verify-ca is not supported; use verify-full (which also checks the host name)".into(),
                ))
            }
            Some(other) => {
                return Err(bad(format!("sslmode={other} is not one of disable, prefer, require, verify-full")))
            }
        };
        let ssl_mode = match (&tls, mode.as_deref()) {
            (Tls::Off, _) => postgres::config::SslMode::Disable,
            (_, None | Some("prefer")) => postgres::config::SslMode::Prefer,
            _ => postgres::config::SslMode::Require,
        };
        config.ssl_mode(ssl_mode);
        if let Some(schema) = schema {
            if schema.is_empty() || !schema.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(bad(format!("'{schema}' is not a plain schema name")));
            }
        }
        Ok(Connector::Postgres { config: Box::new(config), tls, schema: schema.map(str::to_string) })
    }

    pub(crate) fn target(&self) -> String {
        match self {
            Connector::Sqlite { path, .. } if path == ":memory:" => "an in-memory SQLite database".into(),
            Connector::Sqlite { path, .. } => format!("SQLite file '{path}'"),
            Connector::Postgres { config, .. } => crate::describe_postgres(config),
        }
    }

    pub(crate) fn open(&self) -> Result<Conn, StoreError> {
        let fail = |reason: String| StoreError::Open { target: self.target(), reason };
        match self {
            Connector::Sqlite { path, read_only } => {
                let conn = rusqlite::Connection::open(path).map_err(|e| fail(e.to_string()))?;
                // WAL lets readers run while a writer writes; NORMAL is durable at each commit in
                // WAL mode. New files get 16 KiB pages (fewer B-tree splits on bulk inserts). The
                // writer's 64 MiB page cache (allocated only as used) holds the indexes a large
                // import adds to; the pages it has filled go to the log as it goes, where the
                // kernel writes them out behind it (see `import::WrittenBehind`). A 256 MiB cache
                // held them all until the commit, which then waited for the disk, and cost a
                // million-report import 200 MiB more memory. Readers stream and need little.
                let cache = if *read_only { -16_384 } else { -65_536 };
                conn.execute_batch(&format!(
                    "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA cache_size = {cache}; PRAGMA temp_store = MEMORY;{}",
                    if *read_only { " PRAGMA query_only = ON;" } else { "" }
                ))
                .map_err(|e| fail(e.to_string()))?;
                conn.busy_timeout(Duration::from_secs(10)).map_err(|e| fail(e.to_string()))?;
                Ok(Conn::sqlite(conn))
            }
            Connector::Postgres { config, tls, schema } => {
                let client = match tls {
                    Tls::Off => config.connect(postgres::NoTls),
                    Tls::Encrypt => config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(unverified()?)),
                    Tls::Verify { root_cert } => {
                        config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(verified(root_cert.as_deref())?))
                    }
                }
                .map_err(|e| fail(crate::one_line(&e)))?;
                let mut conn = Conn::postgres(client);
                if let Some(schema) = schema {
                    conn.batch(&format!("CREATE SCHEMA IF NOT EXISTS {schema}; SET search_path TO {schema}"))?;
                }
                Ok(conn)
            }
        }
    }
}

impl r2d2::ManageConnection for Connector {
    type Connection = Conn;
    type Error = StoreError;

    fn connect(&self) -> Result<Conn, StoreError> {
        self.open()
    }

    /// Checked as a connection leaves the pool: a PostgreSQL connection may have died with its
    /// server, and only a round trip tells.
    fn is_valid(&self, conn: &mut Conn) -> Result<(), StoreError> {
        conn.check()
    }

    /// Checked as a connection comes back: one closed, or left inside a transaction (a panic
    /// half way), is not handed out again.
    fn has_broken(&self, conn: &mut Conn) -> bool {
        let broken = conn.is_broken();
        if !broken {
            conn.returned();
        }
        broken
    }
}

/// One small thread for every pool's housekeeping, instead of three per pool.
fn housekeeping() -> Arc<scheduled_thread_pool::ScheduledThreadPool> {
    static POOL: OnceLock<Arc<scheduled_thread_pool::ScheduledThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        Arc::new(
            scheduled_thread_pool::ScheduledThreadPool::builder()
                .num_threads(1)
                .thread_name_pattern("vjt-pool-{}")
                .build(),
        )
    })
    .clone()
}

/// A pool of `max` connections made by `connector`, opened as they are first needed.
pub(crate) fn pool(connector: Connector, max: u32, wait: Duration) -> r2d2::Pool<Connector> {
    let remote = matches!(connector, Connector::Postgres { .. });
    let memory = matches!(&connector, Connector::Sqlite { path, .. } if path == ":memory:");
    let mut builder = r2d2::Pool::builder()
        .max_size(max)
        .min_idle(Some(0))
        .connection_timeout(wait)
        // Only a server can vanish under a connection; a local file cannot.
        .test_on_check_out(remote)
        .thread_pool(housekeeping())
        .error_handler(Box::new(r2d2::NopErrorHandler));
    if memory {
        // An in-memory database lives as long as its one connection: never close it.
        builder = builder.idle_timeout(None).max_lifetime(None);
    }
    builder.build_unchecked(connector)
}

/// libpq's `require`: encryption without checking who answers. The handshake's signatures are
/// still verified, so a broken or tampered handshake fails.
fn unverified() -> Result<rustls::ClientConfig, StoreError> {
    #[derive(Debug)]
    struct AnyCertificate(Arc<rustls::crypto::CryptoProvider>);
    impl rustls::client::danger::ServerCertVerifier for AnyCertificate {
        fn verify_server_cert(
            &self,
            _: &rustls::pki_types::CertificateDer<'_>,
            _: &[rustls::pki_types::CertificateDer<'_>],
            _: &rustls::pki_types::ServerName<'_>,
            _: &[u8],
            _: rustls::pki_types::UnixTime,
        ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
            Ok(rustls::client::danger::ServerCertVerified::assertion())
        }
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &rustls::pki_types::CertificateDer<'_>,
            dss: &rustls::DigitallySignedStruct,
        ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
        }
        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &rustls::pki_types::CertificateDer<'_>,
            dss: &rustls::DigitallySignedStruct,
        ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
        }
        fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
            self.0.signature_verification_algorithms.supported_schemes()
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Database(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
        .with_no_client_auth();
    Ok(config)
}

/// `verify-full`: the server's certificate must chain to `sslrootcert` (or, without one, to the
/// Mozilla roots bundled in vjt: no system store is read) and name the host.
fn verified(root_cert: Option<&str>) -> Result<rustls::ClientConfig, StoreError> {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    match root_cert {
        Some(path) => {
            let certs = rustls::pki_types::CertificateDer::pem_file_iter(path)
                .map_err(|e| StoreError::Open { target: format!("sslrootcert '{path}'"), reason: e.to_string() })?;
            for cert in certs {
                let cert = cert
                    .map_err(|e| StoreError::Open { target: format!("sslrootcert '{path}'"), reason: e.to_string() })?;
                roots
                    .add(cert)
                    .map_err(|e| StoreError::Open { target: format!("sslrootcert '{path}'"), reason: e.to_string() })?;
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Database(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}
