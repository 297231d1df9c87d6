//! Fuzzes identification and the header readers (JPEG, PNG, TIFF, JPEG 2000, WAV, MP3, MP4,
//! office/CFB) through `inspect_now` on in-memory bytes.
#![no_main]

use guidang::formats::{self, FormatLimits};
use guidang::record::Source;
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let limits = FormatLimits {
        pdf_max_stream_bytes: 4 << 20,
        ..FormatLimits::default()
    };
    let _ = formats::inspect_now(&Source::Bytes(Arc::new(data.to_vec())), &limits);
});
