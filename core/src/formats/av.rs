//! Audio/video headers read by guidang itself: WAV (RIFF fmt/data, duration), MP3 (ID3v2 skip,
//! first frame header, Xing/Info frame count or CBR estimate), MP4 (ftyp brand, moov/mvhd
//! duration, track handlers). Media data is not decoded.

use super::{Details, FormatLimits, Inspection, Problem, Readable};
use crate::record::{ReadSeek, Source};
use serde::Serialize;
use std::io::SeekFrom;

/// What guidang read from an audio/video header.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AvInfo {
    /// Codec or container detail (`PCM`, `MPEG-1 Layer III`, `isom` …).
    pub codec: String,
    /// Sample rate in Hz (audio).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample_rate: Option<u32>,
    /// Channels (audio).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channels: Option<u16>,
    /// Bit rate in bit/s, when constant or known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bitrate: Option<u32>,
    /// Duration in seconds, when cheap to know.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
    /// Track kinds (`video`, `audio`) for MP4.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tracks: Vec<String>,
}

fn read_at(r: &mut dyn ReadSeek, size: u64, off: u64, n: usize) -> Option<Vec<u8>> {
    if off.checked_add(n as u64)? > size {
        return None;
    }
    r.seek(SeekFrom::Start(off)).ok()?;
    let mut b = vec![0u8; n];
    r.read_exact(&mut b).ok()?;
    Some(b)
}

fn le16(b: &[u8]) -> u16 {
    u16::from_le_bytes([b[0], b[1]])
}
fn le32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}
fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// Inspects an audio/video source into `ins`.
pub(super) fn inspect(source: &Source, limits: &FormatLimits, ins: &mut Inspection) {
    let p = source.display_path().display().to_string();
    ins.depth = "container/frame headers; media not decoded".into();
    let mut r = match source.open() {
        Ok(r) => r,
        Err(e) => {
            ins.readable = Readable::No;
            ins.problems.push(Problem::from_error(
                "音视频文件",
                "the audio/video file",
                &e,
            ));
            return;
        }
    };
    let size = source.size().unwrap_or(0);
    let res = match ins.identification.family.as_str() {
        "WAV" => wav(&mut r, size, &p),
        "MP3" => mp3(&mut r, size, &p),
        _ => mp4(&mut r, size, limits, &p),
    };
    match res {
        Ok(i) => {
            ins.readable = Readable::Yes;
            ins.details = Details::Av(i);
        }
        Err(e) => {
            ins.readable = Readable::No;
            ins.problems.push(e);
        }
    }
}

fn trunc(p: &str, kind: &str, what: &str) -> Problem {
    Problem::unreadable(
        "av.truncated",
        format!("{p}：{kind} 结构不完整（{what}）"),
        format!("{p}: the {kind} structure is incomplete ({what})"),
    )
}

/// WAV: RIFF/WAVE with `fmt ` and `data` chunks; duration = data bytes / byte rate.
pub fn wav(r: &mut dyn ReadSeek, size: u64, p: &str) -> Result<AvInfo, Problem> {
    let h = read_at(r, size, 0, 12).ok_or_else(|| trunc(p, "WAV", "no RIFF header"))?;
    if &h[..4] != b"RIFF" || &h[8..12] != b"WAVE" {
        return Err(trunc(p, "WAV", "not RIFF/WAVE"));
    }
    let mut off = 12u64;
    let mut fmt: Option<Vec<u8>> = None;
    let mut data: Option<u64> = None;
    let mut n = 0;
    while off + 8 <= size && n < 10_000 {
        n += 1;
        let c = read_at(r, size, off, 8).ok_or_else(|| trunc(p, "WAV", "chunk header"))?;
        let len = le32(&c[4..8]) as u64;
        match &c[..4] {
            b"fmt " => fmt = read_at(r, size, off + 8, 16),
            b"data" => {
                data = Some(len.min(size.saturating_sub(off + 8)));
                if off + 8 + len > size {
                    return Err(trunc(
                        p,
                        "WAV",
                        "the data chunk runs past the end of the file",
                    ));
                }
            }
            _ => {}
        }
        off += 8 + len + (len & 1);
    }
    let f = fmt.ok_or_else(|| trunc(p, "WAV", "no fmt chunk"))?;
    let data = data.ok_or_else(|| trunc(p, "WAV", "no data chunk"))?;
    let byte_rate = le32(&f[8..12]);
    Ok(AvInfo {
        codec: match le16(&f[0..2]) {
            1 => "PCM".into(),
            3 => "IEEE float".into(),
            6 => "A-law".into(),
            7 => "µ-law".into(),
            0xFFFE => "extensible".into(),
            x => format!("format 0x{x:04X}"),
        },
        sample_rate: Some(le32(&f[4..8])),
        channels: Some(le16(&f[2..4])),
        bitrate: Some(byte_rate.saturating_mul(8)),
        duration_s: (byte_rate > 0)
            .then(|| ((data as f64 / byte_rate as f64) * 1000.0).round() / 1000.0),
        tracks: Vec::new(),
    })
}

/// MP3: skips an ID3v2 tag, reads the first frame header and a Xing/Info frame count if present.
pub fn mp3(r: &mut dyn ReadSeek, size: u64, p: &str) -> Result<AvInfo, Problem> {
    let mut off = 0u64;
    if let Some(h) = read_at(r, size, 0, 10) {
        if &h[..3] == b"ID3" {
            let s = ((h[6] as u64 & 0x7F) << 21)
                | ((h[7] as u64 & 0x7F) << 14)
                | ((h[8] as u64 & 0x7F) << 7)
                | (h[9] as u64 & 0x7F);
            off = 10 + s + if h[5] & 0x10 != 0 { 10 } else { 0 };
        }
    }
    // Find the first frame sync within 64 KiB.
    let window = read_at(
        r,
        size,
        off,
        (size.saturating_sub(off)).min(64 << 10) as usize,
    )
    .ok_or_else(|| trunc(p, "MP3", "no audio frame after the tag"))?;
    let pos = window
        .windows(4)
        .position(|w| {
            w[0] == 0xFF
                && w[1] & 0xE0 == 0xE0
                && (w[1] >> 1) & 3 != 0
                && (w[2] >> 4) != 0xF
                && (w[2] >> 2) & 3 != 3
        })
        .ok_or_else(|| trunc(p, "MP3", "no MPEG audio frame header"))?;
    let f = &window[pos..];
    let version = (f[1] >> 3) & 3; // 3 = MPEG1, 2 = MPEG2, 0 = MPEG2.5
    let layer = (f[1] >> 1) & 3; // 1 = Layer III
    let br_idx = (f[2] >> 4) as usize;
    let sr_idx = ((f[2] >> 2) & 3) as usize;
    let mono = (f[3] >> 6) == 3;
    const BR_V1_L3: [u32; 15] = [
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ];
    const BR_V2_L3: [u32; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
    const SR: [u32; 3] = [44100, 48000, 32000];
    let sr = SR[sr_idx]
        / match version {
            3 => 1,
            2 => 2,
            _ => 4,
        };
    let bitrate = if version == 3 {
        BR_V1_L3[br_idx]
    } else {
        BR_V2_L3[br_idx]
    } * 1000;
    let samples_per_frame = if version == 3 { 1152 } else { 576 };
    // Xing/Info header gives the frame count (VBR).
    let side = match (version == 3, mono) {
        (true, false) => 32,
        (true, true) => 17,
        (false, false) => 17,
        (false, true) => 9,
    };
    let xo = 4 + side;
    let mut duration = None;
    if f.len() > xo + 12
        && (&f[xo..xo + 4] == b"Xing" || &f[xo..xo + 4] == b"Info")
        && be32(&f[xo + 4..xo + 8]) & 1 == 1
    {
        let frames = be32(&f[xo + 8..xo + 12]) as f64;
        duration = Some(frames * samples_per_frame as f64 / sr as f64);
    } else if bitrate > 0 {
        let audio = size.saturating_sub(off + pos as u64) as f64;
        duration = Some(audio * 8.0 / bitrate as f64);
    }
    Ok(AvInfo {
        codec: format!(
            "MPEG-{} Layer {}",
            match version {
                3 => "1",
                2 => "2",
                _ => "2.5",
            },
            match layer {
                1 => "III",
                2 => "II",
                _ => "I",
            }
        ),
        sample_rate: Some(sr),
        channels: Some(if mono { 1 } else { 2 }),
        bitrate: (bitrate > 0).then_some(bitrate),
        duration_s: duration.map(|d| (d * 1000.0).round() / 1000.0),
        tracks: Vec::new(),
    })
}

/// MP4: top-level boxes by seeking; `moov` (at most `header_bytes`) is read for mvhd and handlers.
pub fn mp4(
    r: &mut dyn ReadSeek,
    size: u64,
    limits: &FormatLimits,
    p: &str,
) -> Result<AvInfo, Problem> {
    let mut off = 0u64;
    let mut brand = String::new();
    let mut moov: Option<Vec<u8>> = None;
    let mut mdat = false;
    let mut n = 0;
    while off + 8 <= size && n < 100_000 {
        n += 1;
        let b = read_at(r, size, off, 8).ok_or_else(|| trunc(p, "MP4", "box header"))?;
        let mut len = be32(&b[..4]) as u64;
        let mut hdr = 8;
        if len == 1 {
            let x = read_at(r, size, off + 8, 8).ok_or_else(|| trunc(p, "MP4", "box header"))?;
            len = u64::from_be_bytes([x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]]);
            hdr = 16;
        } else if len == 0 {
            len = size - off;
        }
        if len < hdr || off + len > size {
            return Err(trunc(p, "MP4", "a box runs past the end of the file"));
        }
        match &b[4..8] {
            b"ftyp" => {
                if let Some(x) = read_at(r, size, off + hdr, 4) {
                    brand = String::from_utf8_lossy(&x).trim().to_string();
                }
            }
            b"moov" => {
                if len - hdr > limits.header_bytes {
                    return Err(Problem::limit(
                        std::path::Path::new(p),
                        format!(
                            "the moov box ({} bytes) exceeds the header limit of {} bytes",
                            len - hdr,
                            limits.header_bytes
                        ),
                    ));
                }
                moov = read_at(r, size, off + hdr, (len - hdr) as usize);
            }
            b"mdat" => mdat = true,
            _ => {}
        }
        off += len;
    }
    let moov = moov.ok_or_else(|| trunc(p, "MP4", "no moov box"))?;
    if !mdat {
        return Err(trunc(p, "MP4", "no mdat box"));
    }
    let mut info = AvInfo {
        codec: if brand.is_empty() {
            "MP4".into()
        } else {
            brand
        },
        sample_rate: None,
        channels: None,
        bitrate: None,
        duration_s: None,
        tracks: Vec::new(),
    };
    walk_moov(&moov, &mut info, 0);
    Ok(info)
}

fn walk_moov(b: &[u8], info: &mut AvInfo, depth: usize) {
    if depth > 16 {
        return;
    }
    let mut off = 0usize;
    while off + 8 <= b.len() {
        let len = be32(&b[off..off + 4]) as usize;
        if len < 8 || off + len > b.len() {
            return;
        }
        let body = &b[off + 8..off + len];
        match &b[off + 4..off + 8] {
            b"trak" | b"mdia" => walk_moov(body, info, depth + 1),
            b"mvhd" if !body.is_empty() => {
                let (ts, dur) = if body[0] == 1 && body.len() >= 32 {
                    (
                        be32(&body[20..24]) as f64,
                        u64::from_be_bytes([
                            body[24], body[25], body[26], body[27], body[28], body[29], body[30],
                            body[31],
                        ]) as f64,
                    )
                } else if body.len() >= 20 {
                    (be32(&body[12..16]) as f64, be32(&body[16..20]) as f64)
                } else {
                    (0.0, 0.0)
                };
                if ts > 0.0 {
                    info.duration_s = Some(((dur / ts) * 1000.0).round() / 1000.0);
                }
            }
            b"hdlr" if body.len() >= 12 => {
                let kind = match &body[8..12] {
                    b"vide" => "video",
                    b"soun" => "audio",
                    _ => "",
                };
                if !kind.is_empty() {
                    info.tracks.push(kind.into());
                }
            }
            _ => {}
        }
        off += len;
    }
}
