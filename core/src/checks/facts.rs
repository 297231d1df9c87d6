//! Facts computed once per component and shared by every check: size, SM3 and SHA-256 digests
//! (one streaming pass), and the format identified and inspected by content.

use crate::digest::{digest_reader, DigestAlg, Digests};
use crate::formats::{self, FormatLimits, Identification, Inspection};
use crate::record::Component;

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
        let digests = c.source.open().and_then(|mut r| {
            digest_reader(&mut r, &[DigestAlg::Sm3, DigestAlg::Sha256])
                .map_err(|e| crate::Error::io(c.source.display_path(), e))
        });
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
