//! Fuzzes the XML reader used for metadata, OFD parts and e-invoices (encoding detection, DOCTYPE
//! refusal, depth/node limits) and the XMP PDF/A-claim reader built on it.
#![no_main]

use guidang::formats::{pdf, xmlfmt, FormatLimits};
use guidang::xml::{self, XmlLimits};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let limits = XmlLimits {
        max_bytes: 1 << 20,
        max_depth: 256,
        max_nodes: 100_000,
    };
    if let Ok(doc) = xml::parse(data, Path::new("fuzz.xml"), &limits) {
        let _ = pdf::claim_from_xmp(&doc.root);
        let _ = doc.root.text_at("内容描述/题名");
    }
    let _ = xmlfmt::analyse(data, Path::new("fuzz.xml"), &FormatLimits::default());
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = pdf::claim_from_text(s);
    }
});
