//! BagIt (RFC 8493): a writer for captured records (SHA-256 and SHA-512 manifests, SM3 as an
//! optional extra) and a validator for any bag, versions 0.93–1.0, that agrees with the Library
//! of Congress conformance suite (`valid` pass, `invalid`/`linux-only` fail, `warning` pass with
//! warnings).

use super::builder::{PackageBuilder, Parts};
use super::sink::Sink;
use super::{
    now_rfc3339, record_metadata_xml, PackageFormat, PackageInput, PackageOptions, WrittenPackage,
};
use crate::digest::DigestAlg;
use crate::{Error, Result};
use sha2::Digest as _;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Writes a bag for one record: `data/<全宗号>/<分类>/<档号>/` holds the metadata XML and content.
pub fn write_bag(
    input: &PackageInput<'_>,
    dest: &Path,
    opts: &PackageOptions,
) -> Result<WrittenPackage> {
    let mut b = PackageBuilder::begin(PackageFormat::Bagit, input.record, dest, opts)?;
    b.copy_sources(input)?;
    b.finish(input)
}

/// Writes everything after the payload content files (already in `sink`) and finishes the bag.
pub(crate) fn finish_bag(mut sink: Box<dyn Sink>, parts: &Parts<'_>) -> Result<WrittenPackage> {
    let (input, opts, folder, names) = (parts.input, parts.opts, parts.folder, parts.names);
    let record = input.record;
    // path → (sha256, sha512, sm3): SHA-256 and SHA-512 of the copies, SM3 as the checks measured.
    let mut payload: Vec<(String, String, String, String)> = names
        .iter()
        .zip(parts.copied)
        .zip(parts.digests())
        .map(|((name, d), m)| {
            (
                format!("{folder}/{name}"),
                d.hex(DigestAlg::Sha256),
                d.hex(DigestAlg::Sha512),
                m.sm3.clone(),
            )
        })
        .collect();
    let mut bytes = parts.content_bytes();
    let md = record_metadata_xml(record, names, input.digests);
    let rel = format!("{folder}/{}", super::jianji::RECORD_METADATA);
    let d = sink.add_bytes(
        &rel,
        md.as_bytes(),
        &[DigestAlg::Sha256, DigestAlg::Sha512, DigestAlg::Sm3],
    )?;
    bytes += d.size;
    payload.push((
        rel,
        d.hex(DigestAlg::Sha256),
        d.hex(DigestAlg::Sha512),
        d.hex(DigestAlg::Sm3),
    ));
    payload.sort();
    let all = [DigestAlg::Sha256, DigestAlg::Sha512, DigestAlg::Sm3];
    let mut tags: Vec<(String, crate::digest::Digests)> = Vec::new();
    let bagit = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
    tags.push((
        "bagit.txt".into(),
        sink.add_bytes("bagit.txt", bagit.as_bytes(), &all)?,
    ));
    let created = opts.created.clone().unwrap_or_else(now_rfc3339);
    let mut info = format!(
        "Bag-Software-Agent: guidang {}\nBagging-Date: {}\nPayload-Oxum: {}.{}\nExternal-Identifier: {}\n",
        env!("CARGO_PKG_VERSION"),
        created.get(..10).unwrap_or(&created),
        bytes,
        payload.len(),
        one_line(&record.id)
    );
    if let Some(org) = opts
        .creator
        .clone()
        .or_else(|| record.meta("来源/立档单位名称").map(str::to_string))
    {
        info.push_str(&format!("Source-Organization: {}\n", one_line(&org)));
    }
    if let Some(t) = record.meta("内容描述/题名") {
        info.push_str(&format!("External-Description: {}\n", one_line(t)));
    }
    info.push_str(&format!("Version: {}\n", input.version));
    if let Some((p, sm3)) = &input.revises {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        info.push_str(&format!("Replaces: {} (SM3 {sm3})\n", one_line(&name)));
    }
    tags.push((
        "bag-info.txt".into(),
        sink.add_bytes("bag-info.txt", info.as_bytes(), &all)?,
    ));
    let mut manifests: Vec<(&str, usize)> =
        vec![("manifest-sha256.txt", 1), ("manifest-sha512.txt", 2)];
    if opts.bagit_sm3 {
        manifests.push(("manifest-sm3.txt", 3));
    }
    for (name, col) in manifests {
        let text: String = payload
            .iter()
            .map(|p| {
                let h = match col {
                    1 => &p.1,
                    2 => &p.2,
                    _ => &p.3,
                };
                format!("{h}  {}\n", encode_path(&p.0))
            })
            .collect();
        tags.push((name.into(), sink.add_bytes(name, text.as_bytes(), &all)?));
    }
    let mut tag_algs = vec![(DigestAlg::Sha256, "sha256"), (DigestAlg::Sha512, "sha512")];
    if opts.bagit_sm3 {
        tag_algs.push((DigestAlg::Sm3, "sm3"));
    }
    let mut package_sm3 = String::new();
    for (alg, n) in tag_algs {
        let text: String = tags
            .iter()
            .map(|(p, d)| format!("{}  {}\n", d.hex(alg), encode_path(p)))
            .collect();
        let d = sink.add_bytes(
            &format!("tagmanifest-{n}.txt"),
            text.as_bytes(),
            &[DigestAlg::Sm3],
        )?;
        if alg == DigestAlg::Sha256 {
            package_sm3 = d.hex(DigestAlg::Sm3);
        }
    }
    sink.finish()?;
    Ok(WrittenPackage {
        path: parts.dest.to_path_buf(),
        sm3: package_sm3,
        content_bytes: input.digests.iter().map(|d| d.size).sum(),
    })
}

fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

/// RFC 8493 §2.1.3: `%`, CR and LF in manifest paths are percent-encoded.
fn encode_path(p: &str) -> String {
    p.replace('%', "%25")
        .replace('\n', "%0A")
        .replace('\r', "%0D")
}

/// The outcome of validating a bag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BagReport {
    /// `BagIt-Version` declared.
    pub version: Option<String>,
    /// Problems that make the bag invalid: (file or entry, message).
    pub errors: Vec<(String, String)>,
    /// Problems that leave the bag valid: (file or entry, message).
    pub warnings: Vec<(String, String)>,
    /// Payload files and bytes found.
    pub payload_files: usize,
    /// Payload bytes found.
    pub payload_bytes: u64,
    /// Algorithms of the payload manifests.
    pub algorithms: Vec<String>,
}

impl BagReport {
    /// Valid = no errors (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
    fn err(&mut self, subject: impl Into<String>, msg: impl Into<String>) {
        self.errors.push((subject.into(), msg.into()));
    }
    fn warn(&mut self, subject: impl Into<String>, msg: impl Into<String>) {
        self.warnings.push((subject.into(), msg.into()));
    }
}

#[derive(Clone)]
enum BagHasher {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
    Sm3(sm3::Sm3),
}

impl BagHasher {
    fn new(alg: &str) -> Option<Self> {
        Some(match alg {
            "md5" => BagHasher::Md5(md5::Md5::new()),
            "sha1" => BagHasher::Sha1(sha1::Sha1::new()),
            "sha224" => BagHasher::Sha224(sha2::Sha224::new()),
            "sha256" => BagHasher::Sha256(sha2::Sha256::new()),
            "sha384" => BagHasher::Sha384(sha2::Sha384::new()),
            "sha512" => BagHasher::Sha512(sha2::Sha512::new()),
            "sm3" => BagHasher::Sm3(sm3::Sm3::new()),
            _ => return None,
        })
    }
    fn update(&mut self, b: &[u8]) {
        match self {
            BagHasher::Md5(h) => h.update(b),
            BagHasher::Sha1(h) => h.update(b),
            BagHasher::Sha224(h) => h.update(b),
            BagHasher::Sha256(h) => h.update(b),
            BagHasher::Sha384(h) => h.update(b),
            BagHasher::Sha512(h) => h.update(b),
            BagHasher::Sm3(h) => h.update(b),
        }
    }
    fn hex(self) -> String {
        match self {
            BagHasher::Md5(h) => hex::encode(h.finalize()),
            BagHasher::Sha1(h) => hex::encode(h.finalize()),
            BagHasher::Sha224(h) => hex::encode(h.finalize()),
            BagHasher::Sha256(h) => hex::encode(h.finalize()),
            BagHasher::Sha384(h) => hex::encode(h.finalize()),
            BagHasher::Sha512(h) => hex::encode(h.finalize()),
            BagHasher::Sm3(h) => hex::encode(h.finalize()),
        }
    }
}

/// Hashes a file with several algorithms in one streaming pass.
fn hash_file(
    path: &Path,
    algs: &BTreeSet<String>,
) -> std::io::Result<(u64, BTreeMap<String, String>)> {
    use std::io::Read;
    let mut hs: Vec<(String, BagHasher)> = algs
        .iter()
        .filter_map(|a| BagHasher::new(a).map(|h| (a.clone(), h)))
        .collect();
    let mut f = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 256 * 1024];
    let mut n_total = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        n_total += n as u64;
        for (_, h) in &mut hs {
            h.update(&buf[..n]);
        }
    }
    Ok((n_total, hs.into_iter().map(|(a, h)| (a, h.hex())).collect()))
}

/// Names of operating-system litter that bag tools commonly list or leave behind.
fn is_system_file(path: &str) -> bool {
    let n = path.rsplit('/').next().unwrap_or(path);
    matches!(n, ".DS_Store" | "Thumbs.db" | "desktop.ini" | "ehthumbs.db") || n.starts_with("._")
}

fn version_at_least_1(v: &str) -> bool {
    v.split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok())
        .is_some_and(|m| m >= 1)
}

/// Splits tag-file text into lines (LF, CRLF or CR).
fn lines(text: &str) -> Vec<&str> {
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .flat_map(|l| l.split('\r'))
        .collect()
}

/// One manifest entry: (path as written, normalised path, checksum).
struct Entry {
    raw: String,
    path: String,
    sum: String,
}

/// Checks a manifest path: relative, inside the bag, no `..`, no `~`. Returns the normalised
/// path (leading `./` removed) or why it is out of scope.
fn scope_path(raw: &str) -> std::result::Result<String, &'static str> {
    let p = raw.strip_prefix("./").unwrap_or(raw);
    if p.starts_with('/') || p.starts_with('\\') || p.get(1..3) == Some(":\\") {
        return Err("absolute path");
    }
    if p.starts_with('~') {
        return Err("path starts with `~` (home-directory shortcut)");
    }
    if p.split(['/', '\\']).any(|c| c == ".." || c == "\\.\\.") || p.contains("\\.\\.") {
        return Err("path leaves the bag (`..`)");
    }
    if p.is_empty() {
        return Err("empty path");
    }
    Ok(p.to_string())
}

fn decode_path(p: &str, v1: bool) -> String {
    if v1 {
        p.replace("%0A", "\n")
            .replace("%0a", "\n")
            .replace("%0D", "\r")
            .replace("%0d", "\r")
            .replace("%25", "%")
    } else {
        p.to_string()
    }
}

/// Validates a bag folder: structure, bagit.txt, manifests (every payload file in every payload
/// manifest, every entry present and matching), tag manifests, fetch.txt paths, Payload-Oxum.
pub fn validate_bag(root: &Path) -> Result<BagReport> {
    let mut rep = BagReport::default();
    if !root.is_dir() {
        return Err(Error::invalid(root, "not a folder"));
    }
    // bagit.txt: UTF-8 without BOM, exactly `BagIt-Version: M.N` and `Tag-File-Character-Encoding: X`.
    let bagit_path = root.join("bagit.txt");
    let Ok(bagit) = std::fs::read(&bagit_path) else {
        rep.err("bagit.txt", "bagit.txt is missing");
        return Ok(rep);
    };
    if bagit.starts_with(&[0xEF, 0xBB, 0xBF]) {
        rep.err(
            "bagit.txt",
            "bagit.txt starts with a byte-order mark (not allowed)",
        );
    }
    let text = String::from_utf8_lossy(bagit.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bagit))
        .into_owned();
    let mut version = None;
    let mut encoding = None;
    for l in lines(&text).into_iter().filter(|l| !l.is_empty()) {
        match l.split_once(": ") {
            Some(("BagIt-Version", v)) => version = Some(v.to_string()),
            Some(("Tag-File-Character-Encoding", v)) => encoding = Some(v.to_string()),
            _ => rep.err(
                "bagit.txt",
                format!("bagit.txt line `{l}` is not `BagIt-Version: M.N` or `Tag-File-Character-Encoding: ENC`"),
            ),
        }
    }
    let v1 = match &version {
        Some(v) => {
            let ok = v.split_once('.').is_some_and(|(a, b)| {
                !a.is_empty()
                    && !b.is_empty()
                    && a.chars().all(|c| c.is_ascii_digit())
                    && b.chars().all(|c| c.is_ascii_digit())
            });
            if !ok {
                rep.err("bagit.txt", format!("BagIt-Version `{v}` is not M.N"));
            }
            version_at_least_1(v)
        }
        None => {
            rep.err("bagit.txt", "bagit.txt has no BagIt-Version");
            false
        }
    };
    rep.version = version.clone();
    let enc = match &encoding {
        Some(e) => match encoding_rs::Encoding::for_label(e.trim().as_bytes()) {
            Some(enc) => enc,
            None => {
                rep.err(
                    "bagit.txt",
                    format!("unknown Tag-File-Character-Encoding `{e}`"),
                );
                encoding_rs::UTF_8
            }
        },
        None => {
            rep.err("bagit.txt", "bagit.txt has no Tag-File-Character-Encoding");
            encoding_rs::UTF_8
        }
    };
    let read_tag = |name: &str| -> Option<String> {
        let b = std::fs::read(root.join(name)).ok()?;
        let (t, _, _) = enc.decode(&b);
        Some(t.trim_start_matches('\u{feff}').to_string())
    };
    if !root.join("data").is_dir() {
        rep.err("data", "payload folder data/ is missing");
    }

    // Manifests.
    let mut payload_manifests: Vec<(String, String)> = Vec::new(); // (alg, file)
    let mut tag_manifests: Vec<(String, String)> = Vec::new();
    let mut names: Vec<String> = std::fs::read_dir(root)
        .map_err(|e| Error::io(root, e))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for n in &names {
        let Some(alg) = n.strip_suffix(".txt") else {
            continue;
        };
        if let Some(a) = alg.strip_prefix("tagmanifest-") {
            tag_manifests.push((a.to_ascii_lowercase(), n.clone()));
        } else if let Some(a) = alg.strip_prefix("manifest-") {
            payload_manifests.push((a.to_ascii_lowercase(), n.clone()));
        }
    }
    if payload_manifests.is_empty() {
        rep.err(".", "no payload manifest (manifest-<alg>.txt)");
    }
    let parse = |rep: &mut BagReport, file: &str, text: &str| -> Vec<Entry> {
        let mut out = Vec::new();
        for (i, l) in lines(text).into_iter().enumerate() {
            if l.trim().is_empty() {
                continue;
            }
            let Some((sum, rest)) = l.split_once([' ', '\t']) else {
                rep.err(
                    file,
                    format!("line {}: expected `<checksum> <path>`", i + 1),
                );
                continue;
            };
            let mut raw = rest.trim_start_matches([' ', '\t']);
            if let Some(r) = raw.strip_prefix('*') {
                rep.warn(
                    file,
                    format!(
                        "line {}: `*` binary marker (md5sum style) before the path",
                        i + 1
                    ),
                );
                raw = r;
            }
            if raw.starts_with("./") {
                rep.warn(
                    file,
                    format!("line {}: path `{raw}` starts with `./`", i + 1),
                );
            }
            match scope_path(raw) {
                Ok(p) => out.push(Entry {
                    raw: raw.to_string(),
                    path: decode_path(&p, v1),
                    sum: sum.to_ascii_lowercase(),
                }),
                Err(why) => rep.err(
                    file,
                    format!("line {}: `{raw}` is out of scope: {why}", i + 1),
                ),
            }
        }
        out
    };

    // Payload files on disk.
    let mut on_disk: BTreeSet<String> = BTreeSet::new();
    walk(&root.join("data"), "data", &mut on_disk);

    let mut fetch_paths: BTreeSet<String> = BTreeSet::new();
    if let Some(t) = read_tag("fetch.txt") {
        for (i, l) in lines(&t).into_iter().enumerate() {
            if l.trim().is_empty() {
                continue;
            }
            let parts: Vec<&str> = l.splitn(3, [' ', '\t']).collect();
            if parts.len() < 3 {
                rep.err(
                    "fetch.txt",
                    format!("line {}: expected `<url> <length> <path>`", i + 1),
                );
                continue;
            }
            match scope_path(parts[2].trim()) {
                Ok(p) if p.starts_with("data/") => {
                    fetch_paths.insert(decode_path(&p, v1));
                }
                Ok(p) => rep.err(
                    "fetch.txt",
                    format!("line {}: `{p}` is not in the payload folder data/", i + 1),
                ),
                Err(why) => rep.err(
                    "fetch.txt",
                    format!(
                        "line {}: `{}` is out of scope: {why}",
                        i + 1,
                        parts[2].trim()
                    ),
                ),
            }
        }
    }

    // path → alg → checksum (from every payload manifest).
    let mut expected: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut listed_per_manifest: Vec<(String, BTreeSet<String>)> = Vec::new();
    for (alg, file) in &payload_manifests {
        if BagHasher::new(alg).is_none() {
            rep.warn(
                file.as_str(),
                format!("checksum algorithm `{alg}` is not supported: manifest not verified"),
            );
            continue;
        }
        rep.algorithms.push(alg.clone());
        let Some(text) = read_tag(file) else {
            rep.err(file.as_str(), "cannot read manifest");
            continue;
        };
        let entries = parse(&mut rep, file, &text);
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for e in entries {
            if !e.path.starts_with("data/") {
                rep.err(
                    file.as_str(),
                    format!("`{}` is not in the payload folder data/", e.raw),
                );
                continue;
            }
            if let Some(prev) = seen.get(&e.path) {
                if *prev != e.sum {
                    rep.err(
                        file.as_str(),
                        format!("`{}` is listed twice with different checksums", e.path),
                    );
                } else if v1 {
                    rep.err(file.as_str(), format!("`{}` is listed twice", e.path));
                } else {
                    rep.warn(
                        file.as_str(),
                        format!("`{}` is listed twice with the same checksum", e.path),
                    );
                }
                continue;
            }
            seen.insert(e.path.clone(), e.sum.clone());
            expected
                .entry(e.path)
                .or_default()
                .insert(alg.clone(), e.sum);
        }
        listed_per_manifest.push((file.clone(), seen.keys().cloned().collect()));
    }
    // Every payload file must be in every manifest.
    for f in &on_disk {
        for (m, listed) in &listed_per_manifest {
            if !listed.contains(f) {
                rep.err(f.as_str(), format!("payload file is not listed in {m}"));
            }
        }
    }
    // Every entry must exist and match.
    let nfc = |s: &str| -> String {
        use unicode_normalization::UnicodeNormalization;
        s.nfc().collect()
    };
    let present_nfc: BTreeSet<String> = on_disk.iter().map(|p| nfc(p)).collect();
    let present_lower: BTreeSet<String> = on_disk.iter().map(|p| p.to_lowercase()).collect();
    let mut oxum_bytes = 0u64;
    for (path, sums) in &expected {
        if !on_disk.contains(path) {
            if fetch_paths.contains(path) {
                rep.warn(path.as_str(), "listed in fetch.txt and not yet fetched");
            } else if present_nfc.contains(&nfc(path)) {
                rep.warn(
                    path.as_str(),
                    "listed twice under different Unicode normalisations",
                );
            } else if present_lower.contains(&path.to_lowercase()) {
                rep.warn(
                    path.as_str(),
                    "listed twice with names that differ only in case",
                );
            } else if is_system_file(path) {
                rep.warn(
                    path.as_str(),
                    "operating-system file listed in the manifest but absent",
                );
            } else {
                rep.err(path.as_str(), "listed in the manifest but missing");
            }
            continue;
        }
        if is_system_file(path) {
            rep.warn(path.as_str(), "operating-system file in the payload");
        }
        let algs: BTreeSet<String> = sums.keys().cloned().collect();
        match hash_file(&root.join(path), &algs) {
            Ok((size, got)) => {
                oxum_bytes += size;
                for (alg, want) in sums {
                    if got.get(alg) != Some(want) {
                        rep.err(
                            path.as_str(),
                            format!("{alg} checksum differs from the manifest (file altered or corrupt)"),
                        );
                    }
                }
            }
            Err(e) => rep.err(path.as_str(), format!("cannot read: {e}")),
        }
    }
    rep.payload_files = on_disk.len();
    rep.payload_bytes = oxum_bytes;

    // Tag manifests.
    for (alg, file) in &tag_manifests {
        if BagHasher::new(alg).is_none() {
            rep.warn(
                file.as_str(),
                format!("checksum algorithm `{alg}` is not supported: tag manifest not verified"),
            );
            continue;
        }
        let Some(text) = read_tag(file) else {
            rep.err(file.as_str(), "cannot read tag manifest");
            continue;
        };
        let entries = parse(&mut rep, file, &text);
        let mut seen = BTreeMap::new();
        for e in entries {
            if let Some(prev) = seen.insert(e.path.clone(), e.sum.clone()) {
                if prev != e.sum {
                    rep.err(
                        file.as_str(),
                        format!("`{}` is listed twice with different checksums", e.path),
                    );
                }
                continue;
            }
            let p = root.join(&e.path);
            if !p.is_file() {
                rep.err(e.path.as_str(), format!("listed in {file} but missing"));
                continue;
            }
            let algs: BTreeSet<String> = [alg.clone()].into();
            match hash_file(&p, &algs) {
                Ok((_, got)) if got.get(alg) == Some(&e.sum) => {}
                Ok(_) => rep.err(
                    e.path.as_str(),
                    format!("{alg} checksum differs from {file} (tag file altered)"),
                ),
                Err(err) => rep.err(e.path.as_str(), format!("cannot read: {err}")),
            }
        }
    }

    // Payload-Oxum.
    let info = read_tag("bag-info.txt").or_else(|| read_tag("package-info.txt"));
    if let Some(info) = info {
        for l in lines(&info) {
            if let Some((k, v)) = l.split_once(':') {
                if k.trim() == "Payload-Oxum" {
                    let v = v.trim();
                    match v
                        .split_once('.')
                        .and_then(|(b, n)| Some((b.parse::<u64>().ok()?, n.parse::<usize>().ok()?)))
                    {
                        Some((b, n)) => {
                            let complete = expected.keys().all(|p| on_disk.contains(p));
                            if complete && (b != oxum_bytes || n != on_disk.len()) {
                                rep.err(
                                    "bag-info.txt",
                                    format!("Payload-Oxum {v} but the payload has {oxum_bytes} bytes in {} files", on_disk.len()),
                                );
                            }
                        }
                        None => rep.warn(
                            "bag-info.txt",
                            format!("Payload-Oxum `{v}` is not `bytes.count`"),
                        ),
                    }
                }
            }
        }
    }
    Ok(rep)
}

fn walk(dir: &Path, rel: &str, out: &mut BTreeSet<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let r = format!("{rel}/{name}");
        let p: PathBuf = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&p, &r, out),
            Ok(t) if t.is_file() => {
                out.insert(r);
            }
            _ => {}
        }
    }
}
