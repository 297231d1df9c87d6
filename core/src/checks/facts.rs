//! Facts computed once per component and shared by every check: size, SM3 and SHA-256 digests
//! plus any algorithm the record declares (one streaming pass, which capture also uses to copy the
//! bytes into the package), and the format identified and inspected by content.

use crate::digest::{digest_reader, DigestAlg, Digests};
use crate::formats::{self, FormatLimits, Identification, Inspection};
use crate::record::Component;

/// Streams a component's bytes somewhere while hashing them with the given algorithms (see
/// [`ComponentFacts::measure_copying`]).
pub type CopyBytes<'a> =
    dyn FnMut(&mut dyn std::io::Read, &[DigestAlg]) -> crate::Result<Digests> + 'a;

/// What guidang measured about one component.
#[derive(Debug, Clone)]
pub struct ComponentFacts {
    /// Size and digests (SM3, SHA-256), if the bytes could be read.
    pub digests: Option<Digests>,
    /// Why the bytes could not be read, if they could not.
    pub read_error: Option<String>,
    /// Format identified by content.
    pub format: Option<Identification>,
    /// Usability inspection (readability, compliance and security problems, format facts).
    pub inspection: Option<Inspection>,
}

impl ComponentFacts {
    /// Measures a component with the default format limits.
    pub fn measure(c: &Component) -> ComponentFacts {
        Self::measure_with(c, &FormatLimits::default())
    }

    /// Measures a component: one pass for the digests, then identification and inspection.
    pub fn measure_with(c: &Component, limits: &FormatLimits) -> ComponentFacts {
        let algs = Self::algorithms(c);
        let digests = c.source.open().and_then(|mut r| {
            digest_reader(&mut r, &algs).map_err(|e| crate::Error::io(c.source.display_path(), e))
        });
        Self::from_digests(c, limits, digests)
    }

    /// Digests the checks need of a component: SM3, SHA-256 and each algorithm its metadata
    /// declares a 数字摘要 with.
    pub fn algorithms(c: &Component) -> Vec<DigestAlg> {
        let mut algs = vec![DigestAlg::Sm3, DigestAlg::Sha256];
        for (name, _) in &c.declared.digests {
            if let Some(a) = DigestAlg::parse(name) {
                if !algs.contains(&a) {
                    algs.push(a);
                }
            }
        }
        algs
    }

    /// Measures a component while `copy` streams its bytes somewhere (capture: into the package),
    /// so the bytes are read once. `copy` gets the opened source and the algorithms to hash with
    /// and returns the digests. A failure to read the source is a fact (`read_error`); a failure
    /// of the copy's destination is returned as the error.
    pub fn measure_copying(
        c: &Component,
        limits: &FormatLimits,
        copy: &mut CopyBytes<'_>,
    ) -> crate::Result<ComponentFacts> {
        let algs = Self::algorithms(c);
        let mut src = match c.source.open() {
            Ok(s) => s,
            Err(e) => return Ok(Self::from_digests(c, limits, Err(e))),
        };
        let mut tracked = TrackRead {
            inner: &mut src,
            failed: None,
        };
        match copy(&mut tracked, &algs) {
            Ok(d) => Ok(Self::from_digests(c, limits, Ok(d))),
            Err(e) => match tracked.failed {
                Some(why) => Ok(Self::from_digests(
                    c,
                    limits,
                    Err(crate::Error::io(c.source.display_path(), why)),
                )),
                None => Err(e),
            },
        }
    }

    fn from_digests(
        c: &Component,
        limits: &FormatLimits,
        digests: crate::Result<Digests>,
    ) -> ComponentFacts {
        match digests {
            Ok(d) => {
                let ins = formats::inspect(&c.source, limits);
                ComponentFacts {
                    digests: Some(d),
                    read_error: None,
                    format: Some(ins.identification.clone()),
                    inspection: Some(ins),
                }
            }
            Err(e) => ComponentFacts {
                digests: None,
                read_error: Some(e.to_string()),
                format: None,
                inspection: None,
            },
        }
    }
    /// Actual size in bytes, if read.
    pub fn size(&self) -> Option<u64> {
        self.digests.as_ref().map(|d| d.size)
    }
}

/// A reader that remembers whether reading failed (to tell a bad source from a bad destination).
struct TrackRead<'a> {
    inner: &'a mut dyn std::io::Read,
    failed: Option<std::io::Error>,
}

impl std::io::Read for TrackRead<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.inner.read(buf) {
            Err(e) if e.kind() != std::io::ErrorKind::Interrupted => {
                self.failed = Some(std::io::Error::new(e.kind(), e.to_string()));
                Err(e)
            }
            r => r,
        }
    }
}
