//! Facts computed once per component and shared by every check: size, SM3 and SHA-256 digests
//! (one streaming pass), and the format identified by content.

use crate::digest::{digest_reader, DigestAlg, Digests};
use crate::formats::{self, Identification};
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
}

impl ComponentFacts {
    /// Measures a component: one pass for the digests, then identification.
    pub fn measure(c: &Component) -> ComponentFacts {
        let digests = c.source.open().and_then(|mut r| {
            digest_reader(&mut r, &[DigestAlg::Sm3, DigestAlg::Sha256])
                .map_err(|e| crate::Error::io(c.source.display_path(), e))
        });
        match digests {
            Ok(d) => ComponentFacts {
                digests: Some(d),
                read_error: None,
                format: Some(formats::identify(&c.source)),
            },
            Err(e) => ComponentFacts {
                digests: None,
                read_error: Some(e.to_string()),
                format: None,
            },
        }
    }
    /// Actual size in bytes, if read.
    pub fn size(&self) -> Option<u64> {
        self.digests.as_ref().map(|d| d.size)
    }
}
