//! Fuzzes the PDF layer: lopdf loading under guidang's limits, the object walk (active content,
//! fonts, filters, embedded files) and the PDF/A indicators.
#![no_main]

use guidang::formats::{pdf, FormatLimits};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let limits = FormatLimits {
        pdf_max_stream_bytes: 4 << 20,
        ..FormatLimits::default()
    };
    let _ = pdf::analyse(data, Path::new("fuzz.pdf"), &limits);
});
