//! PRONOM PUIDs for the formats guidang names: a small table of its own (no Rust PRONOM/DROID
//! crate exists; see crates.md §10).

/// PRONOM PUIDs for the format versions guidang names (a small table of its own; PRONOM has no OFD entry
/// guidang could confirm, so OFD has none).
pub fn puid(family: &str, version: Option<&str>, profile: Option<&str>) -> Option<&'static str> {
    Some(match (family, version, profile) {
        ("PDF", _, Some(p)) if p.starts_with("PDF/A-1a") => "fmt/95",
        ("PDF", _, Some(p)) if p.starts_with("PDF/A-1b") => "fmt/354",
        ("PDF", _, Some(p)) if p.starts_with("PDF/A-2a") => "fmt/476",
        ("PDF", _, Some(p)) if p.starts_with("PDF/A-2b") => "fmt/477",
        ("PDF", _, Some(p)) if p.starts_with("PDF/A-2u") => "fmt/478",
        ("PDF", _, Some(p)) if p.starts_with("PDF/A-3a") => "fmt/479",
        ("PDF", _, Some(p)) if p.starts_with("PDF/A-3b") => "fmt/480",
        ("PDF", Some("1.0"), _) => "fmt/14",
        ("PDF", Some("1.1"), _) => "fmt/15",
        ("PDF", Some("1.2"), _) => "fmt/16",
        ("PDF", Some("1.3"), _) => "fmt/17",
        ("PDF", Some("1.4"), _) => "fmt/18",
        ("PDF", Some("1.5"), _) => "fmt/19",
        ("PDF", Some("1.6"), _) => "fmt/20",
        ("PDF", Some("1.7"), _) => "fmt/276",
        ("PDF", Some("2.0"), _) => "fmt/1129",
        ("XML", _, _) => "fmt/101",
        ("JPEG", Some("JFIF 1.00"), _) => "fmt/42",
        ("JPEG", Some("JFIF 1.01"), _) => "fmt/43",
        ("JPEG", Some("JFIF 1.02"), _) => "fmt/44",
        ("ZIP", _, _) => "x-fmt/263",
        ("PPTX", _, _) => "fmt/215",
        ("DOC", _, _) => "fmt/40",
        ("XLS", _, _) => "fmt/61",
        ("PPT", _, _) => "fmt/126",
        ("PNG", _, _) => "fmt/13",
        ("TIFF", _, _) => "fmt/353",
        ("JPEG2000", _, _) => "x-fmt/392",
        ("DOCX", _, _) => "fmt/412",
        ("XLSX", _, _) => "fmt/214",
        ("MP3", _, _) => "fmt/134",
        ("MP4", _, _) => "fmt/199",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::puid;

    #[test]
    fn table() {
        assert_eq!(puid("PDF", Some("1.7"), None), Some("fmt/276"));
        assert_eq!(
            puid("PDF", Some("1.4"), Some("PDF/A-1b (claimed)")),
            Some("fmt/354")
        );
        assert_eq!(puid("JPEG", Some("JFIF 1.01"), None), Some("fmt/43"));
        assert_eq!(puid("OFD", Some("1.1"), Some("OFD-A")), None);
    }
}
