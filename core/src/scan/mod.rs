//! Malware scanning for DA/T 70 4-2 (病毒感染检测): a [`Scanner`] interface and a ClamAV
//! implementation ([`Clamd`]) that talks to `clamd` over its unix socket or loopback TCP with the
//! `clamav-client` crate (INSTREAM), reporting the engine and signature database it used.

use crate::record::Source;
use crate::{Error, Result};
use serde::Serialize;
use std::io;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
#[cfg(unix)]
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::Duration;

/// Result of scanning one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "detail", rename_all = "snake_case")]
pub enum ScanOutcome {
    /// No scanner could be reached (nothing was scanned).
    Unavailable(String),
    /// Scanned, nothing found.
    Clean,
    /// Scanned, a signature matched (its name).
    Infected(String),
    /// The scanner answered with an error (size limit, I/O …).
    Error(String),
}

/// What a scanner says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScannerInfo {
    /// Scanner name and address (`clamd unix:/run/clamd.sock`).
    pub scanner: String,
    /// Engine version as reported (`ClamAV 1.4.6`).
    pub engine: String,
    /// Signature database version and date, when the engine reports one; `None` means only
    /// unofficial/custom signatures are loaded (clamd reports no database version then).
    pub database: Option<String>,
}

impl ScannerInfo {
    /// `ClamAV 1.4.6, signature database 27000 (…)` or `… , custom signatures only (no official database version)`.
    pub fn describe(&self) -> String {
        match &self.database {
            Some(db) => format!("{}, signature database {db}", self.engine),
            None => format!(
                "{}, custom signatures only (no official database version reported)",
                self.engine
            ),
        }
    }
}

/// A malware scanner.
pub trait Scanner: std::fmt::Debug + Send + Sync {
    /// Engine and database information; an error when the scanner cannot be reached.
    fn info(&self) -> std::result::Result<ScannerInfo, String>;
    /// Scans one file.
    fn scan(&self, source: &Source) -> ScanOutcome;
}

/// Where clamd listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClamdAddress {
    /// A unix socket path.
    Unix(PathBuf),
    /// A loopback TCP address.
    Tcp(SocketAddr),
}

/// ClamAV through clamd.
#[derive(Debug, Clone)]
pub struct Clamd {
    address: ClamdAddress,
    timeout: Duration,
}

impl Clamd {
    /// Parses `unix:/path/clamd.sock` or `tcp:127.0.0.1:3310`. TCP must be a loopback address:
    /// archival content is never streamed to another host.
    pub fn parse(spec: &str) -> Result<Clamd> {
        let spec = spec.trim();
        let address = if let Some(p) = spec.strip_prefix("unix:") {
            ClamdAddress::Unix(PathBuf::from(p))
        } else if let Some(a) = spec.strip_prefix("tcp:") {
            let addr = a
                .to_socket_addrs()
                .map_err(|e| Error::Config(format!("clamd address `{a}` cannot be resolved: {e}")))?
                .next()
                .ok_or_else(|| Error::Config(format!("clamd address `{a}` resolves to nothing")))?;
            if !addr.ip().is_loopback() {
                return Err(Error::Config(format!(
                    "clamd address `{a}` is not a loopback address: content is only streamed to a local clamd"
                )));
            }
            ClamdAddress::Tcp(addr)
        } else {
            return Err(Error::Config(format!(
                "clamd address `{spec}`: use `unix:/path/clamd.sock` or `tcp:127.0.0.1:3310`"
            )));
        };
        Ok(Clamd {
            address,
            timeout: Duration::from_secs(120),
        })
    }

    /// Sets the connect/read/write timeout (default 120 s).
    pub fn with_timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    /// The address in `unix:`/`tcp:` form.
    pub fn address(&self) -> String {
        match &self.address {
            ClamdAddress::Unix(p) => format!("unix:{}", p.display()),
            ClamdAddress::Tcp(a) => format!("tcp:{a}"),
        }
    }

    fn call<F>(&self, f: F) -> io::Result<Vec<u8>>
    where
        F: Fn(&dyn Transport) -> clamav_client::IoResult,
    {
        match &self.address {
            #[cfg(unix)]
            ClamdAddress::Unix(p) => f(&TimedUnix {
                path: p.clone(),
                timeout: self.timeout,
            }),
            #[cfg(not(unix))]
            ClamdAddress::Unix(_) => Err(io::Error::other("unix sockets are not available")),
            ClamdAddress::Tcp(a) => f(&TimedTcp {
                addr: *a,
                timeout: self.timeout,
            }),
        }
    }
}

/// Dispatch helper: the two transports behind one object-safe face.
trait Transport {
    fn ping(&self) -> clamav_client::IoResult;
    fn version(&self) -> clamav_client::IoResult;
    fn scan_file(&self, p: &std::path::Path) -> clamav_client::IoResult;
    fn scan_buffer(&self, b: &[u8]) -> clamav_client::IoResult;
}

macro_rules! transport {
    ($t:ty) => {
        impl Transport for $t {
            fn ping(&self) -> clamav_client::IoResult {
                clamav_client::ping(self)
            }
            fn version(&self) -> clamav_client::IoResult {
                clamav_client::get_version(self)
            }
            fn scan_file(&self, p: &std::path::Path) -> clamav_client::IoResult {
                clamav_client::scan_file(p, self, None)
            }
            fn scan_buffer(&self, b: &[u8]) -> clamav_client::IoResult {
                clamav_client::scan_buffer(b, self, None)
            }
        }
    };
}

/// Unix socket with timeouts.
#[cfg(unix)]
struct TimedUnix {
    path: PathBuf,
    timeout: Duration,
}

#[cfg(unix)]
impl clamav_client::TransportProtocol for TimedUnix {
    type Stream = UnixStream;
    fn connect(&self) -> io::Result<UnixStream> {
        let s = UnixStream::connect(&self.path)?;
        s.set_read_timeout(Some(self.timeout))?;
        s.set_write_timeout(Some(self.timeout))?;
        Ok(s)
    }
}
#[cfg(unix)]
transport!(TimedUnix);

/// TCP with timeouts.
struct TimedTcp {
    addr: SocketAddr,
    timeout: Duration,
}

impl clamav_client::TransportProtocol for TimedTcp {
    type Stream = TcpStream;
    fn connect(&self) -> io::Result<TcpStream> {
        let s = TcpStream::connect_timeout(&self.addr, self.timeout)?;
        s.set_read_timeout(Some(self.timeout))?;
        s.set_write_timeout(Some(self.timeout))?;
        Ok(s)
    }
}
transport!(TimedTcp);

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b)
        .trim_end_matches(['\0', '\n'])
        .trim()
        .to_string()
}

/// Reads a clamd INSTREAM answer: `stream: OK`, `stream: <Signature> FOUND`, or `… ERROR`.
pub fn parse_response(resp: &str) -> ScanOutcome {
    let r = resp.trim_end_matches(['\0', '\n']).trim();
    let body = r.split_once(": ").map(|(_, b)| b).unwrap_or(r);
    if let Some(sig) = body.strip_suffix(" FOUND") {
        ScanOutcome::Infected(sig.trim().to_string())
    } else if body == "OK" {
        ScanOutcome::Clean
    } else {
        ScanOutcome::Error(r.to_string())
    }
}

impl Scanner for Clamd {
    fn info(&self) -> std::result::Result<ScannerInfo, String> {
        let addr = self.address();
        let pong = self
            .call(|t| t.ping())
            .map_err(|e| format!("clamd at {addr} is not reachable: {e}"))?;
        if !text(&pong).starts_with("PONG") {
            return Err(format!(
                "clamd at {addr} answered `{}` to PING",
                text(&pong)
            ));
        }
        let v = self
            .call(|t| t.version())
            .map_err(|e| format!("clamd at {addr}: VERSION failed: {e}"))?;
        let v = text(&v);
        // `ClamAV 1.4.6/27000/Sat Nov 21 08:00:00 2026` with an official database; `ClamAV 1.4.6`
        // with custom signatures only.
        let mut parts = v.splitn(2, '/');
        let engine = parts.next().unwrap_or_default().to_string();
        let database = parts.next().map(|d| d.replace('/', " "));
        Ok(ScannerInfo {
            scanner: format!("clamd {addr}"),
            engine,
            database,
        })
    }

    fn scan(&self, source: &Source) -> ScanOutcome {
        let r = match source {
            Source::Path(p) => self.call(|t| t.scan_file(p)),
            Source::Bytes(b) => self.call(|t| t.scan_buffer(b)),
        };
        match r {
            Ok(resp) => parse_response(&text(&resp)),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
                ) =>
            {
                ScanOutcome::Unavailable(format!(
                    "clamd at {} is not reachable: {e}",
                    self.address()
                ))
            }
            Err(e) => ScanOutcome::Error(format!("{}: {e}", source.display_path().display())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_and_addresses() {
        assert_eq!(parse_response("stream: OK\0"), ScanOutcome::Clean);
        assert_eq!(
            parse_response("stream: Local.Test.EICAR.NDB.UNOFFICIAL FOUND\0"),
            ScanOutcome::Infected("Local.Test.EICAR.NDB.UNOFFICIAL".into())
        );
        assert!(matches!(
            parse_response("INSTREAM size limit exceeded. ERROR"),
            ScanOutcome::Error(_)
        ));
        assert!(Clamd::parse("tcp:127.0.0.1:3310").is_ok());
        assert!(Clamd::parse("unix:/tmp/x.sock").is_ok());
        assert!(matches!(
            Clamd::parse("tcp:8.8.8.8:3310"),
            Err(Error::Config(_))
        ));
        assert!(matches!(Clamd::parse("clamd"), Err(Error::Config(_))));
        let s = Clamd::parse("unix:/nonexistent/guidang-test.sock").unwrap();
        assert!(s.info().is_err());
        assert!(matches!(
            s.scan(&Source::Bytes(std::sync::Arc::new(b"x".to_vec()))),
            ScanOutcome::Unavailable(_)
        ));
        let i = ScannerInfo {
            scanner: "clamd".into(),
            engine: "ClamAV 1.4.6".into(),
            database: None,
        };
        assert!(i.describe().contains("custom signatures only"));
    }
}
