//! Hostile and truncated inputs generated at test time (zip bomb, zip slip, absolute paths,
//! billion laughs, deep XML, deeply nested PDF, truncated PDF/JPEG/PNG/TIFF/OFD, a time budget):
//! each is refused with a clear problem naming the file and the limit or defect — no panic, no hang.

mod fmtgen;

use guidang::formats::{self, Area, Details, FormatLimits, Inspection, Readable, Severity};
use guidang::record::Source;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn inspect_bytes(name: &str, b: Vec<u8>) -> Inspection {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, &b).unwrap();
    let t = Instant::now();
    let ins = formats::inspect(&Source::Path(p), &FormatLimits::default());
    assert!(
        t.elapsed() < Duration::from_secs(30),
        "{name} took {:?}",
        t.elapsed()
    );
    // In memory too: same verdict.
    let mem = formats::inspect(&Source::Bytes(Arc::new(b)), &FormatLimits::default());
    assert_eq!(mem.readable, ins.readable, "{name}: memory vs file");
    ins
}

fn refused(ins: &Inspection, name: &str, needle: &str) {
    assert_eq!(ins.readable, Readable::No, "{name}: {:?}", ins.problems);
    let p = ins
        .problems
        .iter()
        .find(|p| p.area == Area::Readability && p.severity == Severity::Error)
        .unwrap_or_else(|| panic!("{name}: no readability error"));
    assert!(
        p.en.contains(name),
        "{name}: message does not name the file: {}",
        p.en
    );
    assert!(
        p.en.contains(needle),
        "{name}: message does not say `{needle}`: {}",
        p.en
    );
}

#[test]
fn zip_bomb_refused() {
    let zeros = vec![0u8; 8 << 20];
    let bomb = fmtgen::zip(&[
        ("OFD.xml", fmtgen::ofd_xml("OFD").as_bytes()),
        ("Doc_0/big.bin", &zeros),
    ]);
    assert!(bomb.len() < 200_000);
    let ins = inspect_bytes("bomb.ofd", bomb);
    refused(&ins, "bomb.ofd", "compression ratio");
    assert!(ins.problems.iter().any(|p| p.rule == "limit.exceeded"));
}

#[test]
fn zip_slip_and_absolute_paths_refused() {
    let slip = fmtgen::zip(&[
        ("OFD.xml", fmtgen::ofd_xml("OFD").as_bytes()),
        ("../../evil.sh", b"echo pwned"),
    ]);
    refused(
        &inspect_bytes("slip.ofd", slip),
        "slip.ofd",
        "path traversal",
    );
    let abs = fmtgen::zip(&[("/etc/cron.d/x", b"x".as_slice())]);
    refused(&inspect_bytes("abs.zip", abs), "abs.zip", "absolute path");
}

#[test]
fn billion_laughs_and_deep_xml_refused() {
    let mut bl = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        bl.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    bl.push_str("]>\n<lolz>&lol9;</lolz>\n");
    let ins = inspect_bytes("laughs.xml", bl.into_bytes());
    refused(&ins, "laughs.xml", "DOCTYPE");
    assert!(ins.problems.iter().any(|p| p.rule == "xml.doctype_refused"));
    let deep = format!(
        "<?xml version=\"1.0\"?>{}{}",
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    );
    refused(
        &inspect_bytes("deep.xml", deep.into_bytes()),
        "deep.xml",
        "nesting",
    );
}

/// A PDF with catalog, one page, and object 4 nested `depth` arrays deep.
fn nested_pdf(depth: usize) -> Vec<u8> {
    let mut objs: Vec<String> = vec![
        "<< /Type /Catalog /Pages 2 0 R /Extra 4 0 R >>".into(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".into(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>".into(),
    ];
    objs.push(format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offs = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offs.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for o in offs {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn deeply_nested_pdf_refused() {
    // A sane PDF of the same shape is readable.
    let ok = inspect_bytes("flat.pdf", nested_pdf(3));
    assert_eq!(ok.readable, Readable::Yes, "{:?}", ok.problems);
    // Nesting past guidang's walk depth (64): a limit naming the file.
    let ins = inspect_bytes("nested90.pdf", nested_pdf(90));
    refused(&ins, "nested90.pdf", "nesting depth");
    // Nesting far past the parser's own limit: no stack overflow, a clear refusal.
    let ins = inspect_bytes("nested100k.pdf", nested_pdf(100_000));
    println!("nested100k: {:?} {:?}", ins.readable, ins.problems);
    assert_eq!(ins.readable, Readable::No, "{:?}", ins.problems);
}

#[test]
fn truncated_files_refused() {
    let pdf = nested_pdf(3);
    let cut = pdf[..pdf.len() / 3].to_vec();
    let ins = inspect_bytes("cut.pdf", cut);
    println!("cut.pdf: {:?} {:?}", ins.readable, ins.problems);
    refused(&ins, "cut.pdf", "");
    let ofd = fmtgen::ofd("OFD", None, "");
    let ins = inspect_bytes("cut.ofd", ofd[..ofd.len() / 2].to_vec());
    refused(&ins, "cut.ofd", "zip");
    let jpg = jpeg(300, 1, true);
    assert_eq!(inspect_bytes("ok.jpg", jpg.clone()).readable, Readable::Yes);
    refused(
        &inspect_bytes("cut.jpg", jpg[..jpg.len() - 2].to_vec()),
        "cut.jpg",
        "truncated",
    );
    let png = png(11811);
    assert_eq!(inspect_bytes("ok.png", png.clone()).readable, Readable::Yes);
    refused(
        &inspect_bytes("cut.png", png[..png.len() - 12].to_vec()),
        "cut.png",
        "truncated",
    );
    let tif = tiff(300, true);
    assert_eq!(inspect_bytes("ok.tif", tif.clone()).readable, Readable::Yes);
    refused(
        &inspect_bytes("cut.tif", tif[..40].to_vec()),
        "cut.tif",
        "TIFF",
    );
    let empty = inspect_bytes("empty.pdf", Vec::new());
    assert_eq!(empty.readable, Readable::No);
}

#[test]
fn time_budget_is_a_limit() {
    let limits = FormatLimits {
        time_budget: Duration::from_nanos(1),
        ..FormatLimits::default()
    };
    let pdf = std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/pdf/pyhanko/pades-lta-dss-indirect-arrs-test-2.pdf"
    ));
    let ins = formats::inspect(&Source::Path(pdf), &limits);
    assert_eq!(ins.readable, Readable::No);
    assert!(
        ins.problems
            .iter()
            .any(|p| p.rule == "limit.exceeded" && p.en.contains("time budget")),
        "{:?}",
        ins.problems
    );
    assert_eq!(ins.identification.family, "PDF");
}

/// A baseline JPEG header (JFIF density in dpi) with a tiny fake scan and EOI.
pub fn jpeg(dpi: u16, comps: u8, jfif: bool) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8];
    if jfif {
        v.extend_from_slice(&[0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 1]);
        v.extend_from_slice(&dpi.to_be_bytes());
        v.extend_from_slice(&dpi.to_be_bytes());
        v.extend_from_slice(&[0, 0]);
    }
    let len = 8 + 3 * comps as u16;
    v.extend_from_slice(&[0xFF, 0xC0]);
    v.extend_from_slice(&len.to_be_bytes());
    v.extend_from_slice(&[8, 0, 100, 0, 200, comps]);
    for i in 0..comps {
        v.extend_from_slice(&[i + 1, 0x11, 0]);
    }
    v.extend_from_slice(&[0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0]);
    v.extend_from_slice(&[0x12, 0x34, 0x56, 0x78]);
    v.extend_from_slice(&[0xFF, 0xD9]);
    v
}

fn chunk(ty: &[u8], data: &[u8]) -> Vec<u8> {
    let mut v = (data.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(ty);
    v.extend_from_slice(data);
    v.extend_from_slice(&[0, 0, 0, 0]); // CRC is not checked by the header reader
    v
}

/// A PNG header: 64x32 RGB, pHYs in pixels per metre, empty IDAT, IEND.
pub fn png(ppm: u32) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = 64u32.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&32u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    v.extend(chunk(b"IHDR", &ihdr));
    let mut phys = ppm.to_be_bytes().to_vec();
    phys.extend_from_slice(&ppm.to_be_bytes());
    phys.push(1);
    v.extend(chunk(b"pHYs", &phys));
    v.extend(chunk(b"IDAT", &[0x78, 0x9C]));
    v.extend(chunk(b"IEND", &[]));
    v
}

/// A little-endian TIFF: 100x50, 1 bit, CCITT G4 (or 8-bit gray uncompressed), resolution `dpi`/inch.
pub fn tiff(dpi: u32, bilevel: bool) -> Vec<u8> {
    let mut v = b"II*\0".to_vec();
    v.extend_from_slice(&8u32.to_le_bytes());
    let n: u16 = 9;
    let ifd_end = 8 + 2 + n as u32 * 12 + 4;
    let xres_off = ifd_end;
    let yres_off = ifd_end + 8;
    let strip_off = ifd_end + 16;
    let mut e = |tag: u16, ty: u16, count: u32, val: u32| {
        let mut x = tag.to_le_bytes().to_vec();
        x.extend_from_slice(&ty.to_le_bytes());
        x.extend_from_slice(&count.to_le_bytes());
        x.extend_from_slice(&val.to_le_bytes());
        x
    };
    let mut entries = Vec::new();
    entries.extend(e(256, 3, 1, 100));
    entries.extend(e(257, 3, 1, 50));
    entries.extend(e(258, 3, 1, if bilevel { 1 } else { 8 }));
    entries.extend(e(259, 3, 1, if bilevel { 4 } else { 1 }));
    entries.extend(e(262, 3, 1, if bilevel { 0 } else { 1 }));
    entries.extend(e(273, 4, 1, strip_off));
    entries.extend(e(279, 4, 1, 16));
    entries.extend(e(282, 5, 1, xres_off));
    entries.extend(e(283, 5, 1, yres_off));
    v.extend_from_slice(&n.to_le_bytes());
    v.extend(entries);
    v.extend_from_slice(&0u32.to_le_bytes());
    for _ in 0..2 {
        v.extend_from_slice(&dpi.to_le_bytes());
        v.extend_from_slice(&1u32.to_le_bytes());
    }
    v.extend_from_slice(&[0u8; 16]);
    v
}

#[test]
fn image_and_av_headers_read() {
    let ins = inspect_bytes("scan.jpg", jpeg(300, 3, true));
    let Details::Image(i) = &ins.details else {
        panic!("{:?}", ins.details)
    };
    assert_eq!((i.width, i.height, i.channels), (200, 100, 3));
    assert_eq!(i.dpi(), Some(300.0));
    assert_eq!(i.compression, "JPEG baseline");
    assert_eq!(ins.identification.version.as_deref(), Some("JFIF 1.01"));
    assert_eq!(ins.identification.puid.as_deref(), Some("fmt/43"));
    let ins = inspect_bytes("scan.png", png(11811));
    let Details::Image(i) = &ins.details else {
        panic!()
    };
    assert_eq!((i.width, i.height), (64, 32));
    assert_eq!(i.dpi(), Some(300.0));
    let ins = inspect_bytes("scan.tif", tiff(400, true));
    let Details::Image(i) = &ins.details else {
        panic!()
    };
    assert_eq!(i.compression, "CCITT G4");
    assert_eq!(i.dpi(), Some(400.0));
    assert_eq!(i.color_mode.zh(), "黑白二值");
    // WAV: 1 s of 44.1 kHz stereo 16-bit PCM.
    let mut wav = b"RIFF".to_vec();
    let data = 176_400u32;
    wav.extend_from_slice(&(36 + data).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes());
    wav.extend_from_slice(&2u16.to_le_bytes());
    wav.extend_from_slice(&44_100u32.to_le_bytes());
    wav.extend_from_slice(&176_400u32.to_le_bytes());
    wav.extend_from_slice(&4u16.to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data.to_le_bytes());
    wav.extend(std::iter::repeat_n(0u8, data as usize));
    let ins = inspect_bytes("a.wav", wav.clone());
    assert_eq!(ins.identification.family, "WAV");
    let Details::Av(a) = &ins.details else {
        panic!("{:?}", ins)
    };
    assert_eq!(a.duration_s, Some(1.0));
    assert_eq!(a.codec, "PCM");
    refused(
        &inspect_bytes("cut.wav", wav[..100].to_vec()),
        "cut.wav",
        "WAV",
    );
    // MP4: ftyp + moov(mvhd 5 s, one video track) + mdat.
    fn bx(ty: &[u8], body: &[u8]) -> Vec<u8> {
        let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend_from_slice(ty);
        v.extend_from_slice(body);
        v
    }
    let mut mvhd = vec![0u8; 100];
    mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes());
    mvhd[16..20].copy_from_slice(&5000u32.to_be_bytes());
    let mut hdlr = vec![0u8; 24];
    hdlr[8..12].copy_from_slice(b"vide");
    let trak = bx(b"trak", &bx(b"mdia", &bx(b"hdlr", &hdlr)));
    let mut moov_body = bx(b"mvhd", &mvhd);
    moov_body.extend(trak);
    let mut mp4 = bx(b"ftyp", b"isom\0\0\x02\0isomiso2mp41");
    mp4.extend(bx(b"moov", &moov_body));
    mp4.extend(bx(b"mdat", &[0u8; 64]));
    let ins = inspect_bytes("v.mp4", mp4);
    assert_eq!(ins.identification.family, "MP4");
    let Details::Av(a) = &ins.details else {
        panic!("{:?}", ins)
    };
    assert_eq!(a.duration_s, Some(5.0));
    assert_eq!(a.tracks, vec!["video".to_string()]);
}
