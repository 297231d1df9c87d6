//! DA/T 48-2009 EEP writer (电子文件封装包), streamed: each content file is Base64-encoded (RFC 2045,
//! 76-character lines) straight from its source into `编码数据`, so memory does not grow with file
//! size.
//!
//! # What is signed
//! The signed bytes of a `电子签名` are the exact bytes of the `被签名对象` element in the file, from
//! the `<` of `<被签名对象` to the `>` of its matching `</被签名对象>` inclusive, UTF-8, as written —
//! no canonicalisation, no whitespace changes. The signer computes `D = SM3(signed bytes)` (SHA-256
//! for RSA/ECDSA keys) and signs `D` with the key's standard scheme (SM2: GB/T 32918 with the
//! default distinguishing id `1234567812345678`, i.e. `e = SM3(Z_A ‖ D)`; RSA: PKCS#1 v1.5 SHA-256;
//! ECDSA P-256: SHA-256, DER). `签名结果` is the Base64 of the DER signature (raw for RSA).
//! `证书` holds the signer's X.509 certificate or, when none was configured, its
//! SubjectPublicKeyInfo (then `证书引证` is `urn:guidang:spki`).
//! The `锁定签名` signs, in the same way, the exact bytes of the `<电子签名>…</电子签名>` element it
//! names in `被锁定签名标识符`.
//!
//! # Fixity without a signature
//! Each 编码's SM3 is also recorded in a `附注` of the 文件实体:
//! `固化信息 SM3 <编码ID> <hex>` — so an unsigned EEP can still be checked for integrity.
//!
//! # 修改型
//! A revision wraps the earlier EEP: `修改封装内容` = `修改标识符` + `原封装包` (the earlier
//! `被签名对象` and `电子签名块`, byte-for-byte) + `修订内容` (the new entity blocks). The new
//! signature covers the old layer too; the old signatures stay verifiable over their own bytes.

use super::durable::DurableFile;
use super::xmlw::{esc, leaf, write_node};
use super::{
    archival_code, content_names, ensure_unchanged, now_rfc3339, PackageInput, PackageOptions,
    WrittenPackage,
};
use crate::digest::{DigestAlg, MultiHasher, OffloadHasher};
use crate::record::{MetaNode, Record};
use crate::{Error, Result};
use base64::Engine;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::Path;

/// The EEP namespace.
pub const EEP_NS: &str = "http://www.saac.gov.cn/standards/ERM/encapsulation";
/// `封装包格式描述` text.
pub const EEP_DESCRIPTION: &str =
    "本EEP根据中华人民共和国档案行业标准DA/T 48-2009《基于XML的电子文件封装规范》生成";
const TYPE_DESC_ORIGINAL: &str = "本封装包包含电子文件数据及其元数据，原始封装，未经修改";
const TYPE_DESC_REVISED: &str =
    "本封装包包含电子文件数据及其元数据，系修改封装，在保留原封装包的基础上，添加了修改层";
const CODING_DESC: &str = "本封装包中“编码数据”元素存储的是计算机文件二进制流的Base64编码，有关Base64编码规则参见IETF RFC 2045多用途邮件扩展（MIME）第一部分：互联网信息体格式。当提取和显现封装在编码数据元素中的计算机文件时，应对Base64编码进行反编码，并依据封装包中“反编码关键字”元素中记录的值还原计算机文件的扩展名";
/// `签名规则` text: what the signature covers (see the module docs).
pub const SIGNATURE_RULE: &str = "guidang-eep-sig-v1: 签名对象为文件中<被签名对象>元素的原始字节（自起始标签的“<”至结束标签的“>”，UTF-8，不做规范化）；先计算其摘要D（SM2用SM3，RSA/ECDSA用SHA-256），再以签名算法对D签名（SM2默认用户标识1234567812345678）";
/// `签名规则` of a 锁定签名.
pub const LOCK_RULE: &str = "guidang-eep-lock-v1: 签名对象为被锁定的<电子签名>元素的原始字节（自起始标签的“<”至结束标签的“>”，UTF-8，不做规范化）；摘要与签名方法同电子签名";

/// Output that hashes the whole file and, while active, the signed range.
struct Out {
    w: BufWriter<DurableFile>,
    /// SM3 of the whole file, on a helper thread beside the signed-range digest.
    file: OffloadHasher,
    range: Option<MultiHasher>,
    path: std::path::PathBuf,
}

impl Out {
    fn put(&mut self, b: &[u8]) -> Result<()> {
        self.w.write_all(b).map_err(|e| Error::io(&self.path, e))?;
        self.file.update(b);
        if let Some(r) = &mut self.range {
            r.update(b);
        }
        Ok(())
    }
    fn s(&mut self, s: &str) -> Result<()> {
        self.put(s.as_bytes())
    }
}

/// Writes an EEP of one record at `dest`.
pub fn write_eep(
    input: &PackageInput<'_>,
    dest: &Path,
    opts: &PackageOptions,
) -> Result<WrittenPackage> {
    let f = File::options()
        .write(true)
        .create_new(true)
        .open(dest)
        .map_err(|e| Error::io(dest, e))?;
    let mut out = Out {
        w: BufWriter::with_capacity(256 * 1024, DurableFile::new(f, opts.fsync)),
        file: OffloadHasher::new(&[DigestAlg::Sm3]),
        range: None,
        path: dest.to_path_buf(),
    };
    let record = input.record;
    let layer = input.version.saturating_sub(1);
    let created = opts.created.clone().unwrap_or_else(now_rfc3339);
    let creator = opts
        .creator
        .clone()
        .or_else(|| record.meta("来源/立档单位名称").map(str::to_string))
        .unwrap_or_else(|| "未著录".to_string());
    let wrap = input
        .revises
        .as_ref()
        .filter(|(p, _)| p.to_string_lossy().ends_with(".eep.xml"));

    out.s("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
    out.s(&format!("<电子文件封装包 xmlns=\"{EEP_NS}\">\n"))?;
    out.s(&format!(
        "<封装包格式描述>{EEP_DESCRIPTION}</封装包格式描述>\n<版本>2009</版本>\n"
    ))?;
    let alg = opts
        .signing_key
        .as_ref()
        .map(|k| k.alg().digest_alg())
        .unwrap_or(DigestAlg::Sm3);
    out.range = Some(MultiHasher::new(&[DigestAlg::Sm3, alg]));
    out.s("<被签名对象 eep版本=\"2009\">\n")?;
    let mut head = String::new();
    leaf(
        &mut head,
        0,
        "封装包类型",
        if wrap.is_some() {
            "修改型"
        } else {
            "原始型"
        },
    );
    leaf(
        &mut head,
        0,
        "封装包类型描述",
        if wrap.is_some() {
            TYPE_DESC_REVISED
        } else {
            TYPE_DESC_ORIGINAL
        },
    );
    leaf(&mut head, 0, "封装包创建时间", &created);
    leaf(&mut head, 0, "封装包创建单位", &creator);
    out.s(&head)?;
    if let Some((old, _)) = wrap {
        out.s("<修改封装内容>\n")?;
        out.s(&format!(
            "<修改标识符>修改{layer}</修改标识符>\n<原封装包>\n"
        ))?;
        copy_old_layer(&mut out, old)?;
        out.s("</原封装包>\n<修订内容>\n")?;
    } else {
        out.s("<封装内容>\n")?;
    }
    write_blocks(&mut out, input, layer, &created, &creator)?;
    out.s(if wrap.is_some() {
        "</修订内容>\n</修改封装内容>\n"
    } else {
        "</封装内容>\n"
    })?;
    out.s("</被签名对象>")?;
    let range = out.range.take().map(MultiHasher::finish);
    out.s("\n")?;
    if let (Some(key), Some(range)) = (&opts.signing_key, &range) {
        let d = range
            .get(key.alg().digest_alg())
            .ok_or_else(|| Error::Crypto("signed-range digest missing".into()))?;
        let sig = key.sign_digest(d)?;
        let sig_id = format!("修改{layer}-签名1");
        let mut hasher = MultiHasher::new(&[key.alg().digest_alg()]);
        let el = signature_element(
            key,
            "电子签名",
            &sig_id,
            None,
            SIGNATURE_RULE,
            &created,
            &sig,
        );
        // The exact bytes of <电子签名>…</电子签名> (without the newline written after it).
        hasher.update(el.trim_end_matches('\n').as_bytes());
        out.s("<电子签名块>\n")?;
        out.s(&el)?;
        out.s("</电子签名块>\n")?;
        let ld = hasher.finish();
        let lsig = key.sign_digest(ld.get(key.alg().digest_alg()).unwrap_or_default())?;
        let lock = signature_element(
            key,
            "锁定签名",
            "",
            Some(&sig_id),
            LOCK_RULE,
            &created,
            &lsig,
        );
        out.s(&lock)?;
    }
    out.s("</电子文件封装包>\n")?;
    let Out { w, file, path, .. } = out;
    w.into_inner()
        .map_err(|e| Error::io(&path, e.into_error()))?
        .finish()
        .map_err(|e| Error::io(&path, e))?;
    Ok(WrittenPackage {
        path: dest.to_path_buf(),
        sm3: file
            .finish()
            .map_err(|e| Error::io(&path, e))?
            .hex(DigestAlg::Sm3),
        content_bytes: input.digests.iter().map(|d| d.size).sum(),
    })
}

/// A `电子签名` (with `签名标识符`) or `锁定签名` (with `被锁定签名标识符`) element, as one string
/// (its exact bytes are what a 锁定签名 signs).
fn signature_element(
    key: &super::SigningKey,
    tag: &str,
    id: &str,
    locked: Option<&str>,
    rule: &str,
    time: &str,
    sig: &[u8],
) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut s = format!("<{tag}>");
    match locked {
        Some(l) => s.push_str(&format!("<被锁定签名标识符>{}</被锁定签名标识符>", esc(l))),
        None => s.push_str(&format!("<签名标识符>{}</签名标识符>", esc(id))),
    }
    s.push_str(&format!("<签名规则>{}</签名规则>", esc(rule)));
    s.push_str(&format!("<签名时间>{}</签名时间>", esc(time)));
    if !key.signer.is_empty() {
        s.push_str(&format!("<签名人>{}</签名人>", esc(&key.signer)));
    }
    s.push_str(&format!("<签名结果>{}</签名结果>", b64.encode(sig)));
    let (cert, is_cert) = key.certificate_or_key();
    s.push_str(&format!("<证书块><证书>{}</证书>", b64.encode(cert)));
    if !is_cert {
        s.push_str("<证书引证>urn:guidang:spki</证书引证>");
    }
    s.push_str("</证书块>");
    s.push_str(&format!(
        "<签名算法标识>{}</签名算法标识></{tag}>\n",
        key.alg().oid()
    ));
    s
}

/// Children of 文件实体 in DA/T 48 order (those before 文件数据).
const ENTITY_ORDER: &[&str] = &[
    "聚合层次",
    "来源",
    "电子文件号",
    "档号",
    "内容描述",
    "形式特征",
    "存储位置",
    "权限管理",
    "信息系统描述",
    "附注",
];

fn write_blocks(
    out: &mut Out,
    input: &PackageInput<'_>,
    layer: u32,
    created: &str,
    creator: &str,
) -> Result<()> {
    let record = input.record;
    let names = content_names(record);
    let md = entity_metadata(record);
    let mut s = String::from("<文件实体块>\n<文件实体>\n");
    for name in ENTITY_ORDER {
        for n in md.children_named(name) {
            write_node(&mut s, n, 0);
        }
        if *name == "附注" {
            for (i, d) in input.digests.iter().enumerate() {
                let id = coding_id(layer, i);
                leaf(&mut s, 0, "附注", &format!("固化信息 SM3 {id} {}", d.sm3));
            }
        }
    }
    for n in &md.children {
        if !ENTITY_ORDER.contains(&n.name.as_str()) {
            write_node(&mut s, n, 0);
        }
    }
    s.push_str("<文件数据>\n");
    out.s(&s)?;
    for (i, ((c, name), expected)) in record
        .components
        .iter()
        .zip(&names)
        .zip(input.digests)
        .enumerate()
    {
        let doc = format!("修改{layer}-文档{}", i + 1);
        let mut s = String::from("<文档>\n");
        leaf(&mut s, 0, "文档标识符", &doc);
        leaf(&mut s, 0, "文档序号", &c.sequence.to_string());
        let main = matches!(c.role, crate::record::Role::Main);
        leaf(
            &mut s,
            0,
            "文档主从声明",
            if main { "主文档" } else { "附属文档" },
        );
        if let Some(t) = &c.title {
            leaf(&mut s, 0, "题名", t);
        }
        s.push_str(&format!("<文档数据 文档数据ID=\"{doc}-文档数据1\">\n"));
        s.push_str(&format!(
            "<编码 编码ID=\"{}\">\n<电子属性>\n",
            coding_id(layer, i)
        ));
        if let Some(f) = c
            .declared
            .format
            .clone()
            .or_else(|| expected.format.clone())
        {
            leaf(&mut s, 0, "格式信息", &f);
        }
        leaf(&mut s, 0, "计算机文件名", name);
        leaf(&mut s, 0, "计算机文件大小", &expected.size.to_string());
        if let Some(a) = &c.declared.creating_application {
            leaf(&mut s, 0, "文档创建程序", a);
        }
        s.push_str("</电子属性>\n");
        leaf(&mut s, 0, "编码描述", CODING_DESC);
        let ext = c.extension().unwrap_or_else(|| "bin".into());
        leaf(&mut s, 0, "反编码关键字", &format!("base64-{ext}"));
        s.push_str(&format!(
            "<编码数据 编码数据ID=\"{}-编码数据\">",
            coding_id(layer, i)
        ));
        out.s(&s)?;
        let mut src = c.source.open()?;
        let got = base64_stream(out, &mut *src, &c.source.display_path())?;
        ensure_unchanged(c, expected, &got)?;
        out.s("</编码数据>\n</编码>\n</文档数据>\n</文档>\n")?;
    }
    let mut s = String::from("</文件数据>\n</文件实体>\n</文件实体块>\n<业务实体块>\n<业务实体>\n");
    leaf(&mut s, 0, "业务标识符", &format!("修改{layer}-业务1"));
    leaf(&mut s, 0, "机构人员标识符", &format!("修改{layer}-机构1"));
    leaf(&mut s, 0, "文件标识符", &record.id);
    leaf(&mut s, 0, "业务状态", "归档");
    leaf(
        &mut s,
        0,
        "业务行为",
        if layer == 0 {
            "即时归档封装"
        } else {
            "修订封装"
        },
    );
    leaf(&mut s, 0, "行为时间", created);
    leaf(
        &mut s,
        0,
        "行为依据",
        "DA/T 48-2009; DA/T 70-2018 归档环节检测通过",
    );
    leaf(
        &mut s,
        0,
        "行为描述",
        &format!("档号 {}，版本 {}", archival_code(record), input.version),
    );
    s.push_str("</业务实体>\n</业务实体块>\n<机构人员实体块>\n<机构人员实体>\n");
    leaf(&mut s, 0, "机构人员标识符", &format!("修改{layer}-机构1"));
    leaf(&mut s, 0, "机构人员类型", "单位");
    leaf(&mut s, 0, "机构人员名称", creator);
    s.push_str("</机构人员实体>\n</机构人员实体块>\n");
    out.s(&s)
}

fn coding_id(layer: u32, i: usize) -> String {
    format!("修改{layer}-文档{}-文档数据1-编码1", i + 1)
}

/// The record's metadata as 文件实体 children (聚合层次 added when missing, 文件数据 removed).
fn entity_metadata(record: &Record) -> MetaNode {
    let mut md = record
        .metadata
        .clone()
        .unwrap_or_else(|| MetaNode::container("文件实体"));
    md.children
        .retain(|c| c.name != "文件数据" && c.name != "组件");
    if md.child("聚合层次").is_none() {
        md.children.insert(0, MetaNode::leaf("聚合层次", "文件"));
    }
    if md.child("电子文件号").is_none() {
        md.children
            .push(MetaNode::leaf("电子文件号", record.id.clone()));
    }
    md
}

/// Base64-encodes a reader into the output in 76-character lines; returns size and SHA-256 of the
/// raw bytes.
fn base64_stream(out: &mut Out, src: &mut dyn Read, path: &Path) -> Result<crate::digest::Digests> {
    const CHUNK: usize = 57 * 4096; // 57 raw bytes = one 76-character line
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut h = MultiHasher::new(&[DigestAlg::Sha256]);
    let mut buf = vec![0u8; CHUNK];
    let mut enc = vec![0u8; CHUNK / 57 * 77 + 8];
    let mut first = true;
    loop {
        let mut n = 0;
        while n < CHUNK {
            match src.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::io(path, e)),
            }
        }
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        let mut len = 0;
        for line in buf[..n].chunks(57) {
            if !first {
                enc[len] = b'\n';
                len += 1;
            }
            first = false;
            len += b64
                .encode_slice(line, &mut enc[len..])
                .map_err(|e| Error::Crypto(format!("base64: {e}")))?;
        }
        out.put(&enc[..len])?;
        if n < CHUNK {
            break;
        }
    }
    Ok(h.finish())
}

/// Finds the byte ranges of the outermost `被签名对象` and the `电子签名块` of an EEP by streaming
/// over the file. Returns ((start, end), Some((start, end))) with `end` exclusive.
pub(crate) fn locate_layers(path: &Path) -> Result<((u64, u64), Option<(u64, u64)>)> {
    let hits = scan(
        path,
        &[
            "<被签名对象".as_bytes(),
            "</被签名对象>".as_bytes(),
            "<电子签名块".as_bytes(),
            "</电子签名块>".as_bytes(),
        ],
    )?;
    let start = *hits[0]
        .first()
        .ok_or_else(|| Error::invalid(path, "no <被签名对象> element"))?;
    let end = hits[1]
        .last()
        .map(|e| e + "</被签名对象>".len() as u64)
        .ok_or_else(|| Error::invalid(path, "no </被签名对象> end tag"))?;
    let sigs = match (
        hits[2].iter().find(|&&s| s >= end),
        hits[3].iter().rev().find(|&&s| s >= end),
    ) {
        (Some(&s), Some(&e)) => Some((s, e + "</电子签名块>".len() as u64)),
        _ => None,
    };
    Ok(((start, end), sigs))
}

/// Offsets of every occurrence of each needle, streaming with an overlap window.
pub(crate) fn scan(path: &Path, needles: &[&[u8]]) -> Result<Vec<Vec<u64>>> {
    let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
    let keep = needles.iter().map(|n| n.len()).max().unwrap_or(1) - 1;
    let mut buf = vec![0u8; 256 * 1024 + keep];
    let mut have = 0usize; // bytes carried over
    let mut base = 0u64; // file offset of buf[0]
    let mut hits = vec![Vec::new(); needles.len()];
    loop {
        let n = f.read(&mut buf[have..]).map_err(|e| Error::io(path, e))?;
        let total = have + n;
        for (k, nd) in needles.iter().enumerate() {
            if total < nd.len() {
                continue;
            }
            for i in 0..=(total - nd.len()) {
                if buf[i] == nd[0] && &buf[i..i + nd.len()] == *nd {
                    let off = base + i as u64;
                    if hits[k].last() != Some(&off) {
                        hits[k].push(off);
                    }
                }
            }
        }
        if n == 0 {
            break;
        }
        let carry = keep.min(total);
        buf.copy_within(total - carry..total, 0);
        base += (total - carry) as u64;
        have = carry;
    }
    Ok(hits)
}

/// Copies the earlier package's 被签名对象 and 电子签名块 (and nothing else) into the new layer.
fn copy_old_layer(out: &mut Out, old: &Path) -> Result<()> {
    let ((s, e), sigs) = locate_layers(old)?;
    copy_range(out, old, s, e)?;
    out.s("\n")?;
    if let Some((s, e)) = sigs {
        copy_range(out, old, s, e)?;
        out.s("\n")?;
    }
    Ok(())
}

fn copy_range(out: &mut Out, path: &Path, start: u64, end: u64) -> Result<()> {
    use std::io::Seek;
    let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
    f.seek(std::io::SeekFrom::Start(start))
        .map_err(|e| Error::io(path, e))?;
    let mut r = f.take(end - start);
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = r.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        out.put(&buf[..n])?;
    }
    Ok(())
}
