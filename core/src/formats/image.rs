//! Raster image headers read by guidang itself (no image crate): JPEG (SOF, JFIF density, Exif
//! resolution), PNG (IHDR, pHYs, chunk walk to IEND), TIFF (IFD tags, strips inside the file),
//! JPEG 2000 (jp2h/ihdr, colr, res; raw codestream SIZ). Dimensions, resolution, colour mode and
//! compression feed the DA/T 46 数字化属性 consistency check. Pixels are not decoded.

use super::{Details, FormatLimits, Inspection, Problem, Readable};
use crate::record::{ReadSeek, Source};
use serde::Serialize;
use std::io::{Read, Seek, SeekFrom};

/// Colour modes, matching the DA/T 46 扫描色彩模式 vocabulary (黑白二值 / 灰度 / 彩色).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColorMode {
    /// 1-bit black and white.
    Bilevel,
    /// Greyscale.
    Gray,
    /// Colour (RGB, YCbCr, CMYK, palette).
    Color,
}

impl ColorMode {
    /// Chinese term used in DA/T 46 metadata.
    pub fn zh(self) -> &'static str {
        match self {
            ColorMode::Bilevel => "黑白二值",
            ColorMode::Gray => "灰度",
            ColorMode::Color => "彩色",
        }
    }
    /// Parses a declared 扫描色彩模式 (Chinese or English).
    pub fn parse(s: &str) -> Option<ColorMode> {
        let s = s.trim().to_ascii_lowercase();
        if s.contains("黑白")
            || s.contains("二值")
            || s.contains("bilevel")
            || s.contains("binary")
            || s == "bw"
        {
            Some(ColorMode::Bilevel)
        } else if s.contains("灰") || s.contains("gray") || s.contains("grey") {
            Some(ColorMode::Gray)
        } else if s.contains("彩")
            || s.contains("color")
            || s.contains("colour")
            || s.contains("rgb")
            || s.contains("cmyk")
        {
            Some(ColorMode::Color)
        } else {
            None
        }
    }
}

/// What guidang read from an image header.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageInfo {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bits per sample (per channel).
    pub bits_per_sample: u16,
    /// Number of channels.
    pub channels: u16,
    /// Colour model as written (`YCbCr`, `RGB`, `Gray`, `Palette`, `CMYK` …).
    pub color_model: String,
    /// Colour mode in DA/T 46 terms.
    pub color_mode: ColorMode,
    /// Compression (`JPEG baseline`, `Deflate`, `CCITT G4`, `LZW`, `None`, `JPEG 2000` …).
    pub compression: String,
    /// Horizontal resolution in dpi, if the file states one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dpi_x: Option<f64>,
    /// Vertical resolution in dpi, if the file states one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dpi_y: Option<f64>,
    /// Where the resolution came from (`JFIF`, `Exif`, `pHYs`, `TIFF`, `res`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution_source: Option<String>,
    /// Number of images (TIFF pages).
    pub frames: u32,
}

impl ImageInfo {
    /// The smaller of the two resolutions, if stated.
    pub fn dpi(&self) -> Option<f64> {
        match (self.dpi_x, self.dpi_y) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (a, b) => a.or(b),
        }
    }
}

/// JFIF version (`JFIF 1.01`) from the first bytes of a JPEG, if it has an APP0 JFIF segment.
pub fn jfif_version(head: &[u8]) -> Option<String> {
    let pos = head.windows(5).take(64).position(|w| w == b"JFIF\0")?;
    let v = head.get(pos + 5..pos + 7)?;
    Some(format!("JFIF {}.{:02}", v[0], v[1]))
}

fn be16(b: &[u8]) -> u16 {
    u16::from_be_bytes([b[0], b[1]])
}
fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn bad(rule: &str, zh: String, en: String) -> Problem {
    Problem::unreadable(rule, zh, en)
}

/// Inspects an image source into `ins`.
pub(super) fn inspect(source: &Source, limits: &FormatLimits, ins: &mut Inspection) {
    let path = source.display_path();
    let p = path.display().to_string();
    ins.depth = "headers and segment/chunk structure; pixels not decoded".into();
    let mut r = match source.open() {
        Ok(r) => r,
        Err(e) => {
            ins.readable = Readable::No;
            ins.problems
                .push(Problem::from_error("图像文件", "the image file", &e));
            return;
        }
    };
    let size = source.size().unwrap_or(0);
    let res = match ins.identification.family.as_str() {
        "JPEG" => jpeg(&mut r, size, limits, &p),
        "PNG" => png(&mut r, size, &p),
        "TIFF" => tiff(&mut r, size, &p).map(|(i, _)| i),
        _ => jp2(&mut r, size, &p),
    };
    match res {
        Ok(info) => {
            ins.readable = Readable::Yes;
            ins.details = Details::Image(info);
        }
        Err(prob) => {
            ins.readable = Readable::No;
            ins.problems.push(prob);
        }
    }
}

/// Reads exactly `n` bytes at `off`, bounded by the file size.
fn read_at(r: &mut dyn ReadSeek, size: u64, off: u64, n: usize) -> Option<Vec<u8>> {
    if off.checked_add(n as u64)? > size {
        return None;
    }
    r.seek(SeekFrom::Start(off)).ok()?;
    let mut b = vec![0u8; n];
    r.read_exact(&mut b).ok()?;
    Some(b)
}

/// Parses a JPEG's marker segments up to SOS and checks that an EOI marker ends the file.
pub fn jpeg(
    r: &mut dyn ReadSeek,
    size: u64,
    limits: &FormatLimits,
    p: &str,
) -> Result<ImageInfo, Problem> {
    let trunc = |what: &str| {
        bad(
            "image.truncated",
            format!("{p}：JPEG 结构不完整（{what}）"),
            format!("{p}: the JPEG structure is incomplete ({what})"),
        )
    };
    let mut off = 2u64;
    if read_at(r, size, 0, 2).as_deref() != Some(&[0xFF, 0xD8]) {
        return Err(trunc("no SOI marker"));
    }
    let mut info: Option<ImageInfo> = None;
    let mut density: Option<(f64, f64, &'static str)> = None;
    let mut segments = 0;
    loop {
        segments += 1;
        if segments > 10_000 || off > limits.header_bytes {
            return Err(trunc("no scan within the header limit"));
        }
        let Some(m) = read_at(r, size, off, 4) else {
            return Err(trunc("a marker segment runs past the end of the file"));
        };
        if m[0] != 0xFF {
            return Err(trunc("marker expected"));
        }
        let marker = m[1];
        if marker == 0xFF {
            off += 1;
            continue;
        }
        if marker == 0xD9 {
            return Err(trunc("EOI before any image data"));
        }
        let len = be16(&m[2..4]) as u64;
        if len < 2 {
            return Err(trunc("segment length below 2"));
        }
        let body_off = off + 4;
        match marker {
            0xE0 => {
                if let Some(b) = read_at(r, size, body_off, (len as usize - 2).min(16)) {
                    if b.len() >= 12 && &b[..5] == b"JFIF\0" {
                        let units = b[7];
                        let (x, y) = (be16(&b[8..10]) as f64, be16(&b[10..12]) as f64);
                        let f = match units {
                            1 => Some(1.0),
                            2 => Some(2.54),
                            _ => None,
                        };
                        if let Some(f) = f {
                            density = Some((x * f, y * f, "JFIF"));
                        }
                    }
                }
            }
            0xE1 if density.is_none() => {
                if let Some(b) = read_at(r, size, body_off, (len as usize - 2).min(64 << 10)) {
                    if b.starts_with(b"Exif\0\0") {
                        let mut c = std::io::Cursor::new(b[6..].to_vec());
                        let n = (b.len() - 6) as u64;
                        if let Ok((_, Some((x, y)))) = tiff_tags(&mut c, n, p) {
                            density = Some((x, y, "Exif"));
                        }
                    }
                }
            }
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let Some(b) = read_at(r, size, body_off, 6) else {
                    return Err(trunc("SOF segment cut short"));
                };
                let comps = b[5] as u16;
                let compression = match marker {
                    0xC0 => "JPEG baseline",
                    0xC1 => "JPEG extended sequential",
                    0xC2 => "JPEG progressive",
                    0xC3 => "JPEG lossless",
                    _ => "JPEG (arithmetic/hierarchical)",
                };
                info = Some(ImageInfo {
                    width: be16(&b[3..5]) as u32,
                    height: be16(&b[1..3]) as u32,
                    bits_per_sample: b[0] as u16,
                    channels: comps,
                    color_model: match comps {
                        1 => "Gray",
                        3 => "YCbCr",
                        4 => "CMYK",
                        _ => "other",
                    }
                    .into(),
                    color_mode: if comps == 1 {
                        ColorMode::Gray
                    } else {
                        ColorMode::Color
                    },
                    compression: compression.into(),
                    dpi_x: None,
                    dpi_y: None,
                    resolution_source: None,
                    frames: 1,
                });
            }
            0xDA => break,
            _ => {}
        }
        off = body_off + len - 2;
    }
    let Some(mut info) = info else {
        return Err(trunc("no SOF frame header before the scan"));
    };
    if info.width == 0 || info.height == 0 {
        return Err(trunc("zero width or height"));
    }
    // The file must end with EOI (allowing a little trailing padding).
    let tail_len = size.min(4096);
    let tail = read_at(r, size, size - tail_len, tail_len as usize).unwrap_or_default();
    if !tail.windows(2).any(|w| w == [0xFF, 0xD9]) {
        return Err(trunc("no EOI marker at the end: the file is truncated"));
    }
    if let Some((x, y, src)) = density {
        if x > 0.0 && y > 0.0 {
            info.dpi_x = Some(round2(x));
            info.dpi_y = Some(round2(y));
            info.resolution_source = Some(src.into());
        }
    }
    Ok(info)
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Walks a PNG's chunks: IHDR first, pHYs for resolution, IEND last.
pub fn png(r: &mut dyn ReadSeek, size: u64, p: &str) -> Result<ImageInfo, Problem> {
    let trunc = |what: &str| {
        bad(
            "image.truncated",
            format!("{p}：PNG 结构不完整（{what}）"),
            format!("{p}: the PNG structure is incomplete ({what})"),
        )
    };
    let Some(h) = read_at(r, size, 8, 25) else {
        return Err(trunc("no IHDR"));
    };
    if &h[4..8] != b"IHDR" {
        return Err(trunc("IHDR is not the first chunk"));
    }
    let (w, ht, depth, ct, interlace) = (be32(&h[8..12]), be32(&h[12..16]), h[16], h[17], h[20]);
    let (model, channels, mode) = match ct {
        0 if depth == 1 => ("Gray", 1, ColorMode::Bilevel),
        0 => ("Gray", 1, ColorMode::Gray),
        2 => ("RGB", 3, ColorMode::Color),
        3 => ("Palette", 1, ColorMode::Color),
        4 => ("Gray+Alpha", 2, ColorMode::Gray),
        6 => ("RGBA", 4, ColorMode::Color),
        _ => return Err(trunc("invalid colour type")),
    };
    let mut info = ImageInfo {
        width: w,
        height: ht,
        bits_per_sample: depth as u16,
        channels,
        color_model: model.into(),
        color_mode: mode,
        compression: if interlace == 1 {
            "Deflate (Adam7 interlaced)"
        } else {
            "Deflate"
        }
        .into(),
        dpi_x: None,
        dpi_y: None,
        resolution_source: None,
        frames: 1,
    };
    let mut off = 8u64;
    let mut chunks = 0;
    loop {
        chunks += 1;
        if chunks > 1_000_000 {
            return Err(trunc("more than 1,000,000 chunks"));
        }
        let Some(c) = read_at(r, size, off, 8) else {
            return Err(trunc("no IEND chunk: the file is truncated"));
        };
        let len = be32(&c[..4]) as u64;
        let ty = &c[4..8];
        if ty == b"pHYs" {
            if let Some(b) = read_at(r, size, off + 8, 9) {
                if b[8] == 1 {
                    info.dpi_x = Some(round2(be32(&b[..4]) as f64 * 0.0254));
                    info.dpi_y = Some(round2(be32(&b[4..8]) as f64 * 0.0254));
                    info.resolution_source = Some("pHYs".into());
                }
            }
        }
        if ty == b"IEND" {
            break;
        }
        off = off + 12 + len;
        if off > size {
            return Err(trunc("a chunk runs past the end of the file"));
        }
    }
    if w == 0 || ht == 0 {
        return Err(trunc("zero width or height"));
    }
    Ok(info)
}

/// Reads TIFF image facts and resolution from the first IFD, counts IFDs and checks that image
/// strips lie inside the file.
pub fn tiff(
    r: &mut dyn ReadSeek,
    size: u64,
    p: &str,
) -> Result<(ImageInfo, Option<(f64, f64)>), Problem> {
    let (info, res) = tiff_tags(r, size, p)?;
    let mut info = info;
    if let Some((x, y)) = res {
        info.dpi_x = Some(round2(x));
        info.dpi_y = Some(round2(y));
        info.resolution_source = Some("TIFF".into());
    }
    if info.width == 0 || info.height == 0 {
        return Err(bad(
            "image.truncated",
            format!("{p}：TIFF 缺少图像宽度或高度"),
            format!("{p}: the TIFF has no image width or height"),
        ));
    }
    Ok((info, res))
}

fn tiff_tags<R: Read + Seek + ?Sized>(
    r: &mut R,
    size: u64,
    p: &str,
) -> Result<(ImageInfo, Option<(f64, f64)>), Problem> {
    let trunc = |what: &str| {
        bad(
            "image.truncated",
            format!("{p}：TIFF 结构不完整（{what}）"),
            format!("{p}: the TIFF structure is incomplete ({what})"),
        )
    };
    let mut at = |off: u64, n: usize| -> Option<Vec<u8>> {
        if off.checked_add(n as u64)? > size {
            return None;
        }
        r.seek(SeekFrom::Start(off)).ok()?;
        let mut b = vec![0u8; n];
        r.read_exact(&mut b).ok()?;
        Some(b)
    };
    let h = at(0, 8).ok_or_else(|| trunc("no header"))?;
    let le = match &h[..4] {
        b"II*\0" => true,
        b"MM\0*" => false,
        _ => return Err(trunc("bad byte order mark")),
    };
    let u16_ = |b: &[u8]| {
        if le {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        }
    };
    let u32_ = |b: &[u8]| {
        if le {
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        } else {
            u32::from_be_bytes([b[0], b[1], b[2], b[3]])
        }
    };
    let mut ifd = u32_(&h[4..8]) as u64;
    let mut seen = std::collections::BTreeSet::new();
    let mut first: Option<(ImageInfo, Option<(f64, f64)>)> = None;
    let mut frames = 0u32;
    while ifd != 0 {
        if !seen.insert(ifd) || frames >= 100_000 {
            return Err(trunc("IFD chain loops"));
        }
        frames += 1;
        let nb = at(ifd, 2).ok_or_else(|| trunc("IFD offset past the end of the file"))?;
        let n = u16_(&nb) as usize;
        let entries =
            at(ifd + 2, n * 12 + 4).ok_or_else(|| trunc("IFD runs past the end of the file"))?;
        if first.is_none() {
            let mut tags: std::collections::BTreeMap<u16, (u16, u32, Vec<u8>)> = Default::default();
            for i in 0..n {
                let e = &entries[i * 12..i * 12 + 12];
                tags.insert(
                    u16_(&e[0..2]),
                    (u16_(&e[2..4]), u32_(&e[4..8]), e[8..12].to_vec()),
                );
            }
            let short_or_long = |t: Option<&(u16, u32, Vec<u8>)>| -> Option<u32> {
                let (ty, _, v) = t?;
                match ty {
                    3 => Some(u16_(v) as u32),
                    4 => Some(u32_(v)),
                    _ => None,
                }
            };
            let width = short_or_long(tags.get(&256)).unwrap_or(0);
            let height = short_or_long(tags.get(&257)).unwrap_or(0);
            let spp = short_or_long(tags.get(&277)).unwrap_or(1) as u16;
            let bps = match tags.get(&258) {
                Some((3, 1, v)) => u16_(v),
                Some((3, cnt, v)) if *cnt >= 2 => {
                    let off = u32_(v) as u64;
                    at(off, 2).map(|b| u16_(&b)).unwrap_or(8)
                }
                _ => 1,
            };
            let comp = short_or_long(tags.get(&259)).unwrap_or(1);
            let photometric = short_or_long(tags.get(&262)).unwrap_or(1);
            let mut rational = |t: Option<&(u16, u32, Vec<u8>)>| -> Option<f64> {
                let (ty, _, v) = t?;
                if *ty != 5 {
                    return None;
                }
                let b = at(u32_(v) as u64, 8)?;
                let (n, d) = (u32_(&b[..4]) as f64, u32_(&b[4..]) as f64);
                (d > 0.0).then(|| n / d)
            };
            let xr = rational(tags.get(&282));
            let yr = rational(tags.get(&283));
            let unit = short_or_long(tags.get(&296)).unwrap_or(2);
            let f = match unit {
                2 => Some(1.0),
                3 => Some(2.54),
                _ => None,
            };
            let res = match (xr, yr, f) {
                (Some(x), Some(y), Some(f)) if x > 0.0 && y > 0.0 => Some((x * f, y * f)),
                _ => None,
            };
            // Strips (or tiles) must lie inside the file.
            if let (Some(so), Some(sc)) = (tags.get(&273), tags.get(&279)) {
                if so.1 == 1 && sc.1 == 1 {
                    let o = short_or_long(Some(so)).unwrap_or(0) as u64;
                    let c = short_or_long(Some(sc)).unwrap_or(0) as u64;
                    if o + c > size {
                        return Err(trunc("image data runs past the end of the file"));
                    }
                } else if so.1 > 1 && so.1 < 1_000_000 {
                    let w = if so.0 == 3 { 2 } else { 4 };
                    let offs = at(u32_(&so.2) as u64, so.1 as usize * w);
                    let cw = if sc.0 == 3 { 2 } else { 4 };
                    let cnts = at(u32_(&sc.2) as u64, sc.1 as usize * cw);
                    if let (Some(offs), Some(cnts)) = (offs, cnts) {
                        let last = so.1.min(sc.1) as usize - 1;
                        let o = if w == 2 {
                            u16_(&offs[last * 2..]) as u64
                        } else {
                            u32_(&offs[last * 4..]) as u64
                        };
                        let c = if cw == 2 {
                            u16_(&cnts[last * 2..]) as u64
                        } else {
                            u32_(&cnts[last * 4..]) as u64
                        };
                        if o + c > size {
                            return Err(trunc("image data runs past the end of the file"));
                        }
                    } else {
                        return Err(trunc("strip tables run past the end of the file"));
                    }
                }
            }
            let (model, mode) = match photometric {
                0 | 1 if bps == 1 && spp == 1 => ("Bilevel", ColorMode::Bilevel),
                0 | 1 => ("Gray", ColorMode::Gray),
                2 => ("RGB", ColorMode::Color),
                3 => ("Palette", ColorMode::Color),
                4 => ("Mask", ColorMode::Bilevel),
                5 => ("CMYK", ColorMode::Color),
                6 => ("YCbCr", ColorMode::Color),
                8 => ("CIELab", ColorMode::Color),
                _ => ("other", ColorMode::Color),
            };
            let compression = match comp {
                1 => "None",
                2 => "CCITT RLE",
                3 => "CCITT G3",
                4 => "CCITT G4",
                5 => "LZW",
                6 => "JPEG (old-style)",
                7 => "JPEG",
                8 | 32946 => "Deflate",
                32773 => "PackBits",
                34712 => "JPEG 2000",
                _ => "other",
            };
            first = Some((
                ImageInfo {
                    width,
                    height,
                    bits_per_sample: bps,
                    channels: spp,
                    color_model: model.into(),
                    color_mode: mode,
                    compression: compression.into(),
                    dpi_x: None,
                    dpi_y: None,
                    resolution_source: None,
                    frames: 1,
                },
                res,
            ));
        }
        ifd = u32_(&entries[n * 12..n * 12 + 4]) as u64;
    }
    let (mut info, res) = first.ok_or_else(|| trunc("no IFD"))?;
    info.frames = frames;
    Ok((info, res))
}

/// Reads JPEG 2000 boxes (jp2h/ihdr, colr, res/resc|resd, jp2c) or a raw codestream's SIZ.
pub fn jp2(r: &mut dyn ReadSeek, size: u64, p: &str) -> Result<ImageInfo, Problem> {
    let trunc = |what: &str| {
        bad(
            "image.truncated",
            format!("{p}：JPEG 2000 结构不完整（{what}）"),
            format!("{p}: the JPEG 2000 structure is incomplete ({what})"),
        )
    };
    let head = read_at(r, size, 0, 4).ok_or_else(|| trunc("no header"))?;
    if head == [0xFF, 0x4F, 0xFF, 0x51] {
        let siz = read_at(r, size, 4, 40).ok_or_else(|| trunc("SIZ cut short"))?;
        let (xs, ys, xo, yo) = (
            be32(&siz[4..8]),
            be32(&siz[8..12]),
            be32(&siz[12..16]),
            be32(&siz[16..20]),
        );
        let comps = be16(&siz[36..38]);
        return Ok(ImageInfo {
            width: xs.saturating_sub(xo),
            height: ys.saturating_sub(yo),
            bits_per_sample: 0,
            channels: comps,
            color_model: if comps == 1 {
                "Gray"
            } else {
                "multi-component"
            }
            .into(),
            color_mode: if comps == 1 {
                ColorMode::Gray
            } else {
                ColorMode::Color
            },
            compression: "JPEG 2000".into(),
            dpi_x: None,
            dpi_y: None,
            resolution_source: None,
            frames: 1,
        });
    }
    let mut info: Option<ImageInfo> = None;
    let mut codestream = false;
    let mut dpi: Option<(f64, f64)> = None;
    let mut colr: Option<u32> = None;
    // (offset, end) of the box list being walked; jp2h and res are superboxes.
    let mut stack = vec![(0u64, size)];
    let mut steps = 0;
    while let Some((mut off, end)) = stack.pop() {
        while off + 8 <= end {
            steps += 1;
            if steps > 100_000 {
                return Err(trunc("too many boxes"));
            }
            let b = read_at(r, size, off, 8).ok_or_else(|| trunc("box header past the end"))?;
            let mut len = be32(&b[..4]) as u64;
            let ty = [b[4], b[5], b[6], b[7]];
            let mut hdr = 8;
            if len == 1 {
                let x =
                    read_at(r, size, off + 8, 8).ok_or_else(|| trunc("box header past the end"))?;
                len = u64::from_be_bytes([x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]]);
                hdr = 16;
            } else if len == 0 {
                len = end - off;
            }
            if len < hdr || off + len > end {
                return Err(trunc("a box runs past the end of the file"));
            }
            let body = off + hdr;
            match &ty {
                b"jp2h" | b"res " => stack.push((body, off + len)),
                b"ihdr" => {
                    let h = read_at(r, size, body, 14).ok_or_else(|| trunc("ihdr cut short"))?;
                    let nc = be16(&h[8..10]);
                    info = Some(ImageInfo {
                        height: be32(&h[..4]),
                        width: be32(&h[4..8]),
                        bits_per_sample: (h[10] & 0x7F) as u16 + 1,
                        channels: nc,
                        color_model: String::new(),
                        color_mode: if nc == 1 {
                            ColorMode::Gray
                        } else {
                            ColorMode::Color
                        },
                        compression: "JPEG 2000".into(),
                        dpi_x: None,
                        dpi_y: None,
                        resolution_source: None,
                        frames: 1,
                    });
                }
                b"colr" => {
                    if let Some(c) = read_at(r, size, body, 7) {
                        if c[0] == 1 {
                            colr = Some(be32(&c[3..7]));
                        }
                    }
                }
                b"resc" | b"resd" => {
                    if let Some(c) = read_at(r, size, body, 10) {
                        let v = |n: u16, d: u16, e: u8| {
                            (d > 0)
                                .then(|| n as f64 / d as f64 * 10f64.powi(e as i8 as i32) * 0.0254)
                        };
                        if let (Some(y), Some(x)) = (
                            v(be16(&c[0..2]), be16(&c[2..4]), c[8]),
                            v(be16(&c[4..6]), be16(&c[6..8]), c[9]),
                        ) {
                            if ty == *b"resc" || dpi.is_none() {
                                dpi = Some((x, y));
                            }
                        }
                    }
                }
                b"jp2c" => codestream = true,
                _ => {}
            }
            off += len;
        }
    }
    let mut info = info.ok_or_else(|| trunc("no jp2h/ihdr box"))?;
    if !codestream {
        return Err(trunc("no jp2c codestream box"));
    }
    info.color_model = match colr {
        Some(16) => "sRGB",
        Some(17) => "Gray",
        Some(18) => "sYCC",
        _ => "other",
    }
    .into();
    if colr == Some(17) {
        info.color_mode = if info.bits_per_sample == 1 {
            ColorMode::Bilevel
        } else {
            ColorMode::Gray
        };
    }
    if let Some((x, y)) = dpi {
        info.dpi_x = Some(round2(x));
        info.dpi_y = Some(round2(y));
        info.resolution_source = Some("res".into());
    }
    Ok(info)
}
