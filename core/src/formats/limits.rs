//! Limits applied while inspecting one content file ([`FormatLimits`]): every parser of the format
//! layer reads them, and a breach becomes a usability problem that names the file and the limit.

use crate::container::ZipLimits;
use crate::xml::XmlLimits;
use std::time::Duration;

/// Limits of [`super::inspect`]. The defaults are sized for real archival content (invoices,
/// scanned documents, office files up to hundreds of MiB) and refuse hostile input early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatLimits {
    /// Zip limits for OFD and office containers (entry count, sizes, ratio).
    pub zip: ZipLimits,
    /// XML limits for standalone XML files and for every XML part inside a container.
    pub xml: XmlLimits,
    /// Largest PDF guidang loads into memory to parse (default 512 MiB): lopdf reads the whole
    /// file, so bigger files are reported as a limit breach instead of exhausting memory.
    pub pdf_max_bytes: u64,
    /// Maximum number of indirect objects in a PDF (default 2,000,000).
    pub pdf_max_objects: usize,
    /// Maximum nesting depth guidang follows when walking PDF objects (default 64).
    pub pdf_max_depth: usize,
    /// Maximum number of PDF objects visited by the active-content walk (default 5,000,000).
    pub pdf_max_visits: usize,
    /// Maximum decompressed size of one PDF stream (default 64 MiB; lopdf's own default is 256).
    pub pdf_max_stream_bytes: usize,
    /// Maximum number of pages whose parts are parsed in an OFD (default 10,000).
    pub ofd_max_pages: usize,
    /// Bytes of an image/audio/video file read for its header (default 16 MiB; TIFF IFDs and
    /// MP4 `moov` boxes may sit far into the file).
    pub header_bytes: u64,
    /// Wall-clock budget for inspecting one file (default 60 s). A file that takes longer is
    /// reported as a limit breach; the parser thread is abandoned, not awaited.
    pub time_budget: Duration,
}

impl Default for FormatLimits {
    fn default() -> Self {
        FormatLimits {
            zip: ZipLimits::default(),
            xml: XmlLimits::default(),
            pdf_max_bytes: 512 << 20,
            pdf_max_objects: 2_000_000,
            pdf_max_depth: 64,
            pdf_max_visits: 5_000_000,
            pdf_max_stream_bytes: 64 << 20,
            ofd_max_pages: 10_000,
            header_bytes: 16 << 20,
            time_budget: Duration::from_secs(60),
        }
    }
}
