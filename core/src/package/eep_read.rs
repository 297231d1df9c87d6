//! DA/T 48 EEP reader and verifier, streamed: one pass finds the signed ranges, a second pass
//! decodes every `编码数据` on the fly (hashing, optionally extracting to a folder) and keeps the
//! rest of the XML as a small skeleton that is parsed with the safe [`crate::xml`] reader. Memory
//! does not grow with the size of the embedded files. Signatures are verified over the exact
//! signed bytes defined in [`super::eep`].

use super::eep::scan;
use super::sign::{verify_digest, SignatureAlg};
use crate::digest::{DigestAlg, MultiHasher};
use crate::xml::{self, Element, XmlLimits};
use crate::{Error, Result};
use base64::Engine;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Largest skeleton (the EEP without its Base64 content) accepted.
const MAX_SKELETON: usize = 64 << 20;
/// Longest start tag accepted.
const MAX_TAG: usize = 1 << 20;

/// One decoded `编码数据`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedFile {
    /// `编码ID` of the enclosing 编码 (or the 编码数据ID).
    pub id: String,
    /// Decoded bytes.
    pub size: u64,
    /// SM3 of the decoded bytes (hex).
    pub sm3: String,
    /// Where it was extracted, when extraction was asked for.
    pub extracted: Option<PathBuf>,
    /// Why decoding failed, if it did.
    pub problem: Option<String>,
}

/// One 被签名对象 (the outer one is layer 0 in file order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EepLayer {
    /// Byte range in the file.
    pub range: (u64, u64),
    /// SM3 of its bytes.
    pub sm3: String,
}

/// One verified 电子签名 or 锁定签名.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EepSignature {
    /// 签名标识符 (or, for a 锁定签名, `锁定:` + 被锁定签名标识符).
    pub id: String,
    /// Whether this is a 锁定签名.
    pub lock: bool,
    /// 签名算法标识.
    pub algorithm: String,
    /// Ok(true) valid, Ok(false) invalid, Err(reason) could not be verified.
    pub valid: std::result::Result<bool, String>,
}

/// A parsed EEP.
#[derive(Debug, Clone)]
pub struct EepDocument {
    /// The file.
    pub path: PathBuf,
    /// The XML without Base64 content.
    pub root: Element,
    /// Every 被签名对象, in file order.
    pub layers: Vec<EepLayer>,
    /// Every 编码数据, in file order.
    pub files: Vec<EncodedFile>,
    /// Every signature.
    pub signatures: Vec<EepSignature>,
    /// SM3 of the whole file.
    pub file_sm3: String,
}

impl EepDocument {
    /// The innermost-current 文件实体 (the 修订内容 of a 修改型, else the 封装内容).
    pub fn current_entity(&self) -> Option<&Element> {
        let so = self.root.child("被签名对象")?;
        so.at("封装内容/文件实体块/文件实体")
            .or_else(|| so.at("修改封装内容/修订内容/文件实体块/文件实体"))
    }
}

/// Reads and verifies an EEP. With `extract_to`, decoded files are written there (named by their
/// 计算机文件名 order: `<n>-<name>`) so that the checks can read them.
pub fn read_eep(path: &Path, extract_to: Option<&Path>) -> Result<EepDocument> {
    let hits = scan(
        path,
        &[
            "<被签名对象".as_bytes(),
            "</被签名对象>".as_bytes(),
            "<电子签名>".as_bytes(),
            "</电子签名>".as_bytes(),
            "<锁定签名>".as_bytes(),
            "</锁定签名>".as_bytes(),
        ],
    )?;
    let ranges = pair_ranges(&hits[0], &hits[1], "</被签名对象>".len() as u64)
        .map_err(|e| Error::invalid(path, e))?;
    let sig_ranges = pair_ranges(&hits[2], &hits[3], "</电子签名>".len() as u64)
        .map_err(|e| Error::invalid(path, e))?;
    let lock_ranges = pair_ranges(&hits[4], &hits[5], "</锁定签名>".len() as u64)
        .map_err(|e| Error::invalid(path, e))?;

    let mut hashers: Vec<MultiHasher> = ranges
        .iter()
        .map(|_| MultiHasher::new(&[DigestAlg::Sm3, DigestAlg::Sha256]))
        .collect();
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut buf = vec![0u8; 256 * 1024];
    let mut offset = 0u64;
    let mut skeleton: Vec<u8> = Vec::new();
    let mut tag: Vec<u8> = Vec::new();
    let mut in_tag = false;
    let mut decoding: Option<Decoder> = None;
    let mut files: Vec<EncodedFile> = Vec::new();
    let mut counter = 0usize;
    let mut whole = MultiHasher::new(&[DigestAlg::Sm3]);
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        whole.update(chunk);
        for (r, h) in ranges.iter().zip(hashers.iter_mut()) {
            let s = r.0.max(offset);
            let e = r.1.min(offset + n as u64);
            if s < e {
                h.update(&chunk[(s - offset) as usize..(e - offset) as usize]);
            }
        }
        let mut i = 0;
        while i < n {
            if in_tag {
                match chunk[i..].iter().position(|&b| b == b'>') {
                    Some(p) => {
                        tag.extend_from_slice(&chunk[i..i + p + 1]);
                        i += p + 1;
                        in_tag = false;
                        skeleton.extend_from_slice(&tag);
                        let starts = tag.starts_with("<编码数据".as_bytes())
                            && matches!(
                                tag.get("<编码数据".len()),
                                Some(b' ' | b'>' | b'\t' | b'\n' | b'\r')
                            );
                        if starts && !tag.ends_with(b"/>") {
                            counter += 1;
                            let id = attr_of(&tag, "编码数据ID")
                                .unwrap_or_else(|| format!("#{counter}"));
                            decoding = Some(Decoder::new(id, counter, extract_to)?);
                        }
                        tag.clear();
                    }
                    None => {
                        tag.extend_from_slice(&chunk[i..]);
                        if tag.len() > MAX_TAG {
                            return Err(Error::Limit {
                                path: path.into(),
                                limit: format!("an XML tag longer than {MAX_TAG} bytes"),
                            });
                        }
                        i = n;
                    }
                }
            } else {
                let p = chunk[i..].iter().position(|&b| b == b'<');
                let end = p.map(|p| i + p).unwrap_or(n);
                match &mut decoding {
                    Some(d) => d.feed(&chunk[i..end]),
                    None => skeleton.extend_from_slice(&chunk[i..end]),
                }
                if p.is_some() {
                    if let Some(d) = decoding.take() {
                        files.push(d.finish());
                    }
                    in_tag = true;
                    tag.push(b'<');
                    i = end + 1;
                } else {
                    i = n;
                }
                if skeleton.len() > MAX_SKELETON {
                    return Err(Error::Limit {
                        path: path.into(),
                        limit: format!("more than {MAX_SKELETON} bytes of XML outside 编码数据"),
                    });
                }
            }
        }
        offset += n as u64;
    }
    if let Some(d) = decoding.take() {
        files.push(d.finish());
    }
    let doc = xml::parse(
        &skeleton,
        path,
        &XmlLimits {
            max_bytes: MAX_SKELETON,
            ..Default::default()
        },
    )?;
    let root = doc.root;
    if root.name != "电子文件封装包" {
        return Err(Error::invalid(
            path,
            format!("root element is <{}>, not <电子文件封装包>", root.name),
        ));
    }
    let layer_digests: Vec<crate::digest::Digests> =
        hashers.into_iter().map(MultiHasher::finish).collect();
    let layers: Vec<EepLayer> = ranges
        .iter()
        .zip(&layer_digests)
        .map(|(r, d)| EepLayer {
            range: *r,
            sm3: d.hex(DigestAlg::Sm3),
        })
        .collect();

    // Signatures, in document order; the k-th <电子签名> in the skeleton is the k-th in the file.
    let mut sig_elems = Vec::new();
    root.find_all("电子签名", &mut sig_elems);
    let mut lock_elems = Vec::new();
    root.find_all("锁定签名", &mut lock_elems);
    let mut signatures = Vec::new();
    let mut by_id: Vec<(String, (u64, u64))> = Vec::new();
    for (el, range) in sig_elems.iter().zip(&sig_ranges) {
        let id = el.text_at("签名标识符").unwrap_or("").trim().to_string();
        by_id.push((id.clone(), *range));
        // The signed layer: the 被签名对象 with the greatest end before this signature.
        let layer = ranges
            .iter()
            .enumerate()
            .filter(|(_, r)| r.1 <= range.0)
            .max_by_key(|(_, r)| r.1)
            .map(|(i, _)| i);
        let valid = match layer {
            None => Err("no 被签名对象 precedes this signature".to_string()),
            Some(li) => check_sig(el, |alg| {
                layer_digests[li]
                    .get(alg.digest_alg())
                    .map(<[u8]>::to_vec)
                    .ok_or_else(|| "digest unavailable".to_string())
            }),
        };
        signatures.push(EepSignature {
            id,
            lock: false,
            algorithm: el.text_at("签名算法标识").unwrap_or("").to_string(),
            valid,
        });
    }
    for (el, _range) in lock_elems.iter().zip(&lock_ranges) {
        let target = el
            .text_at("被锁定签名标识符")
            .unwrap_or("")
            .trim()
            .to_string();
        let valid = match by_id.iter().find(|(i, _)| *i == target) {
            None => Err(format!("被锁定签名标识符 `{target}` names no 电子签名")),
            Some((_, r)) => {
                let bytes = read_range(path, *r)?;
                check_sig(el, |alg| {
                    Ok(crate::digest::digest(alg.digest_alg(), &bytes))
                })
            }
        };
        signatures.push(EepSignature {
            id: format!("锁定:{target}"),
            lock: true,
            algorithm: el.text_at("签名算法标识").unwrap_or("").to_string(),
            valid,
        });
    }
    // Name each decoded file after its 编码ID.
    let mut codings = Vec::new();
    root.find_all("编码", &mut codings);
    for (f, c) in files.iter_mut().zip(&codings) {
        if let Some(id) = c.attr("编码ID") {
            f.id = id.to_string();
        }
    }
    Ok(EepDocument {
        path: path.to_path_buf(),
        root,
        layers,
        files,
        signatures,
        file_sm3: whole.finish().hex(DigestAlg::Sm3),
    })
}

fn check_sig(
    el: &Element,
    digest: impl Fn(SignatureAlg) -> std::result::Result<Vec<u8>, String>,
) -> std::result::Result<bool, String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let alg_s = el.text_at("签名算法标识").unwrap_or("").trim();
    let alg =
        SignatureAlg::parse(alg_s).ok_or_else(|| format!("unsupported 签名算法标识 `{alg_s}`"))?;
    let strip = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let sig = b64
        .decode(strip(el.text_at("签名结果").unwrap_or("")))
        .map_err(|e| format!("签名结果 is not Base64: {e}"))?;
    let cert = el
        .at("证书块/证书")
        .map(|c| strip(&c.text))
        .ok_or_else(|| "no 证书块/证书".to_string())?;
    let cert = b64
        .decode(cert)
        .map_err(|e| format!("证书 is not Base64: {e}"))?;
    let d = digest(alg)?;
    verify_digest(alg, &cert, &d, &sig)
}

fn read_range(path: &Path, r: (u64, u64)) -> Result<Vec<u8>> {
    use std::io::Seek;
    let len = r.1 - r.0;
    if len > (16 << 20) {
        return Err(Error::Limit {
            path: path.into(),
            limit: "a 电子签名 element larger than 16 MiB".into(),
        });
    }
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    f.seek(std::io::SeekFrom::Start(r.0))
        .map_err(|e| Error::io(path, e))?;
    let mut v = vec![0u8; len as usize];
    f.read_exact(&mut v).map_err(|e| Error::io(path, e))?;
    Ok(v)
}

/// Pairs start and end tag offsets into element ranges (nesting allowed), in start order.
fn pair_ranges(
    starts: &[u64],
    ends: &[u64],
    end_len: u64,
) -> std::result::Result<Vec<(u64, u64)>, String> {
    if starts.len() != ends.len() {
        return Err(format!(
            "{} start tags but {} end tags of a signed element",
            starts.len(),
            ends.len()
        ));
    }
    let mut ev: Vec<(u64, bool)> = starts
        .iter()
        .map(|&s| (s, true))
        .chain(ends.iter().map(|&e| (e, false)))
        .collect();
    ev.sort();
    let mut stack = Vec::new();
    let mut out = Vec::new();
    for (o, is_start) in ev {
        if is_start {
            stack.push(o);
        } else {
            let s = stack.pop().ok_or("end tag before its start tag")?;
            out.push((s, o + end_len));
        }
    }
    out.sort();
    Ok(out)
}

fn attr_of(tag: &[u8], name: &str) -> Option<String> {
    let t = std::str::from_utf8(tag).ok()?;
    let i = t.find(&format!("{name}="))? + name.len() + 1;
    let q = t[i..].chars().next()?;
    let rest = &t[i + 1..];
    let j = rest.find(q)?;
    Some(rest[..j].to_string())
}

/// Streaming Base64 decoder: skips whitespace, decodes in groups of 4, hashes and optionally writes.
struct Decoder {
    id: String,
    pending: Vec<u8>,
    out: Vec<u8>,
    hasher: MultiHasher,
    sink: Option<(PathBuf, std::io::BufWriter<std::fs::File>)>,
    problem: Option<String>,
    done: bool,
}

impl Decoder {
    fn new(id: String, n: usize, extract_to: Option<&Path>) -> Result<Self> {
        let sink = match extract_to {
            Some(dir) => {
                let p = dir.join(format!("{n}.bin"));
                let f = std::fs::File::create(&p).map_err(|e| Error::io(&p, e))?;
                Some((p, std::io::BufWriter::with_capacity(256 * 1024, f)))
            }
            None => None,
        };
        Ok(Decoder {
            id,
            pending: Vec::with_capacity(64 * 1024),
            out: vec![0u8; 48 * 1024 + 3],
            hasher: MultiHasher::new(&[DigestAlg::Sm3]),
            sink,
            problem: None,
            done: false,
        })
    }
    fn feed(&mut self, text: &[u8]) {
        for &b in text {
            if !b.is_ascii_whitespace() {
                self.pending.push(b);
            }
            if self.pending.len() >= 64 * 1024 {
                self.flush(false);
            }
        }
    }
    fn flush(&mut self, last: bool) {
        if self.problem.is_some() {
            self.pending.clear();
            return;
        }
        let take = if last {
            self.pending.len()
        } else {
            self.pending.len() / 4 * 4
        };
        if take == 0 {
            return;
        }
        if self.done {
            self.problem = Some("data after Base64 padding".into());
            return;
        }
        let b64 = base64::engine::general_purpose::STANDARD;
        let chunk: Vec<u8> = self.pending.drain(..take).collect();
        if chunk.contains(&b'=') {
            self.done = true;
        }
        match b64.decode_slice(&chunk, &mut self.out) {
            Ok(n) => {
                self.hasher.update(&self.out[..n]);
                if let Some((p, w)) = &mut self.sink {
                    if let Err(e) = w.write_all(&self.out[..n]) {
                        self.problem = Some(format!("cannot extract to {}: {e}", p.display()));
                    }
                }
            }
            Err(e) => self.problem = Some(format!("invalid Base64: {e}")),
        }
    }
    fn finish(mut self) -> EncodedFile {
        self.flush(true);
        let extracted = match self.sink.take() {
            Some((p, mut w)) => match w.flush() {
                Ok(()) => Some(p),
                Err(e) => {
                    self.problem = Some(format!("cannot extract: {e}"));
                    None
                }
            },
            None => None,
        };
        let d = self.hasher.finish();
        EncodedFile {
            id: self.id,
            size: d.size,
            sm3: d.hex(DigestAlg::Sm3),
            extracted,
            problem: self.problem,
        }
    }
}
