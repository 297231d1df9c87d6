//! Fuzzes the OFD layer: the safe zip index (limits, traversal, duplicates) and the OFD package
//! walk (OFD.xml, Document.xml, pages, resources, signatures, OFD-A rules).
#![no_main]

use guidang::container::ZipContainer;
use guidang::formats::{ofd, FormatLimits};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let limits = FormatLimits::default();
    if let Ok(mut z) = ZipContainer::from_bytes(data.to_vec(), Path::new("fuzz.ofd"), limits.zip) {
        let _ = ofd::analyse(&mut z, &limits, "fuzz.ofd");
    }
});
