//! Safe XML reading shared by every parser in guidang (metadata, OFD parts, e-invoices, EEP, 目录文件):
//! encoding detection (BOM, declared UTF-8 / GB18030 / GBK / GB2312 / UTF-16), no DTD and no
//! external entities, and limits on size, depth and node count. Produces a small owned tree.

use crate::{Error, Result};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::path::Path;

/// Limits for one XML document. A breach is an [`Error::Limit`] naming the file and the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XmlLimits {
    /// Maximum document size in bytes (default 64 MiB).
    pub max_bytes: usize,
    /// Maximum element nesting depth (default 256).
    pub max_depth: usize,
    /// Maximum number of elements (default 2,000,000).
    pub max_nodes: usize,
}

impl Default for XmlLimits {
    fn default() -> Self {
        XmlLimits {
            max_bytes: 64 << 20,
            max_depth: 256,
            max_nodes: 2_000_000,
        }
    }
}

/// One element: local name, namespace URI (if any), attributes, direct text and child elements.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Element {
    /// Local name (prefix removed).
    pub name: String,
    /// Namespace URI resolved from `xmlns` declarations, if any.
    pub ns: Option<String>,
    /// Attributes as written (qualified names), values unescaped.
    pub attrs: Vec<(String, String)>,
    /// Concatenated direct text content (not trimmed).
    pub text: String,
    /// Child elements in document order.
    pub children: Vec<Element>,
    /// 1-based line of the start tag.
    pub line: usize,
}

impl Element {
    /// Attribute value by name: exact qualified name first, then by local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .or_else(|| {
                self.attrs
                    .iter()
                    .find(|(k, _)| k.rsplit(':').next() == Some(name))
            })
            .map(|(_, v)| v.as_str())
    }
    /// First child with that local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
    /// Children with that local name.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    /// Element at a `/`-separated path of local names.
    pub fn at(&self, path: &str) -> Option<&Element> {
        let mut cur = self;
        for p in path.split('/').filter(|p| !p.is_empty()) {
            cur = cur.child(p)?;
        }
        Some(cur)
    }
    /// Trimmed text of the element at `path`, if non-empty.
    pub fn text_at(&self, path: &str) -> Option<&str> {
        self.at(path)
            .map(|e| e.text.trim())
            .filter(|t| !t.is_empty())
    }
    /// First descendant (depth-first) with that local name.
    pub fn find(&self, name: &str) -> Option<&Element> {
        for c in &self.children {
            if c.name == name {
                return Some(c);
            }
            if let Some(f) = c.find(name) {
                return Some(f);
            }
        }
        None
    }
    /// All descendants with that local name, depth-first.
    pub fn find_all<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        for c in &self.children {
            if c.name == name {
                out.push(c);
            }
            c.find_all(name, out);
        }
    }
    /// Trimmed direct text.
    pub fn trimmed(&self) -> &str {
        self.text.trim()
    }
}

/// A parsed document: the root element plus what the prolog declared.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Root element.
    pub root: Element,
    /// Encoding used to decode the bytes (e.g. `UTF-8`, `GB18030`).
    pub encoding: &'static str,
    /// Whether the bytes started with a byte-order mark.
    pub had_bom: bool,
}

/// Decodes XML bytes to text following BOM, then the `encoding` pseudo-attribute of the declaration.
/// Unknown encodings and undecodable bytes are errors naming the file.
pub fn decode(bytes: &[u8], path: &Path) -> Result<(String, &'static str, bool)> {
    use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(Error::invalid(
                path,
                format!("bytes are not valid {}", enc.name()),
            ));
        }
        return Ok((text.into_owned(), enc.name(), true));
    }
    if bytes.starts_with(&[0, b'<']) {
        return decode_as(bytes, UTF_16BE, path);
    }
    if bytes.starts_with(&[b'<', 0]) {
        return decode_as(bytes, UTF_16LE, path);
    }
    let declared = declared_encoding(bytes);
    let enc = match declared.as_deref() {
        None => UTF_8,
        Some(label) => {
            let l = label.to_ascii_lowercase();
            // GB2312 and GBK are subsets of GB18030: decode all three as GB18030 (a superset, so lossless).
            if matches!(
                l.as_str(),
                "gb2312" | "gbk" | "gb18030" | "gb_2312-80" | "cp936"
            ) {
                GB18030
            } else {
                Encoding::for_label(label.as_bytes()).ok_or_else(|| {
                    Error::invalid(path, format!("unsupported XML encoding `{label}`"))
                })?
            }
        }
    };
    decode_as(bytes, enc, path)
}

fn decode_as(
    bytes: &[u8],
    enc: &'static encoding_rs::Encoding,
    path: &Path,
) -> Result<(String, &'static str, bool)> {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(Error::invalid(
            path,
            format!(
                "bytes are not valid {} (declared or default encoding)",
                enc.name()
            ),
        ));
    }
    Ok((text.into_owned(), enc.name(), false))
}

fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(256)];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let i = decl.find("encoding")?;
    let rest = decl[i + 8..].trim_start().strip_prefix('=')?.trim_start();
    let q = rest.chars().next()?;
    if q != '"' && q != '\'' {
        return None;
    }
    let v = &rest[1..];
    Some(v[..v.find(q)?].to_string())
}

/// Parses XML bytes into a [`Document`] within `limits`. `path` names the file in errors.
pub fn parse(bytes: &[u8], path: &Path, limits: &XmlLimits) -> Result<Document> {
    if bytes.len() > limits.max_bytes {
        return Err(Error::Limit {
            path: path.into(),
            limit: format!(
                "XML size {} bytes exceeds the limit of {} bytes",
                bytes.len(),
                limits.max_bytes
            ),
        });
    }
    let (text, encoding, had_bom) = decode(bytes, path)?;
    let root = parse_str(&text, path, limits)?;
    Ok(Document {
        root,
        encoding,
        had_bom,
    })
}

/// Reads and parses an XML file (size checked before reading).
pub fn parse_file(path: &Path, limits: &XmlLimits) -> Result<Document> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.len() > limits.max_bytes as u64 {
        return Err(Error::Limit {
            path: path.into(),
            limit: format!(
                "XML size {} bytes exceeds the limit of {} bytes",
                meta.len(),
                limits.max_bytes
            ),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse(&bytes, path, limits)
}

struct Frame {
    el: Element,
    ns_decls: Vec<(String, String)>,
}

/// Parses already-decoded XML text.
pub fn parse_str(text: &str, path: &Path, limits: &XmlLimits) -> Result<Element> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Element> = None;
    let mut nodes = 0usize;
    let mut line = 1usize;
    let mut scanned = 0usize;
    let err = |line: usize, msg: String| Error::invalid(path, format!("line {line}: {msg}"));
    loop {
        let pos = reader.buffer_position() as usize;
        if pos > scanned {
            line += text.as_bytes()[scanned..pos.min(text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            scanned = pos.min(text.len());
        }
        let ev = reader
            .read_event()
            .map_err(|e| err(line, format!("not well-formed XML: {e}")))?;
        match ev {
            Event::DocType(_) => {
                return Err(err(
                    line,
                    "DOCTYPE declarations are refused (no DTD, no external entities)".into(),
                ))
            }
            Event::Start(s) | Event::Empty(s) if root.is_some() => {
                let _ = s;
                return Err(err(line, "content after the root element".into()));
            }
            Event::Start(s) => {
                nodes += 1;
                if nodes > limits.max_nodes {
                    return Err(Error::Limit {
                        path: path.into(),
                        limit: format!("more than {} XML elements", limits.max_nodes),
                    });
                }
                if stack.len() >= limits.max_depth {
                    return Err(Error::Limit {
                        path: path.into(),
                        limit: format!("XML nesting deeper than {}", limits.max_depth),
                    });
                }
                let frame = start_frame(&s, &stack, line).map_err(|m| err(line, m))?;
                stack.push(frame);
            }
            Event::Empty(s) => {
                nodes += 1;
                if nodes > limits.max_nodes {
                    return Err(Error::Limit {
                        path: path.into(),
                        limit: format!("more than {} XML elements", limits.max_nodes),
                    });
                }
                let frame = start_frame(&s, &stack, line).map_err(|m| err(line, m))?;
                close(frame.el, &mut stack, &mut root);
            }
            Event::End(_) => {
                let frame = stack
                    .pop()
                    .ok_or_else(|| err(line, "unexpected end tag".into()))?;
                close(frame.el, &mut stack, &mut root);
            }
            Event::Text(t) => {
                let content = t.xml10_content();
                if let Some(top) = stack.last_mut() {
                    top.el.text.push_str(&content);
                } else if !content.trim().is_empty() {
                    return Err(err(line, "text outside the root element".into()));
                }
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    top.el.text.push_str(&c.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let ch = match r
                    .resolve_char_ref()
                    .map_err(|e| err(line, format!("bad character reference: {e}")))?
                {
                    Some(c) => c,
                    None => match &*r {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => {
                            return Err(err(
                                line,
                                format!("undefined entity &{other}; (entities are not expanded)"),
                            ))
                        }
                    },
                };
                if let Some(top) = stack.last_mut() {
                    top.el.text.push(ch);
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(err(
            line,
            format!(
                "unexpected end of document inside <{}>",
                stack.last().map(|f| f.el.name.as_str()).unwrap_or("")
            ),
        ));
    }
    root.ok_or_else(|| Error::invalid(path, "no root element"))
}

fn close(el: Element, stack: &mut [Frame], root: &mut Option<Element>) {
    match stack.last_mut() {
        Some(parent) => parent.el.children.push(el),
        None => *root = Some(el),
    }
}

fn start_frame(
    s: &BytesStart<'_>,
    stack: &[Frame],
    line: usize,
) -> std::result::Result<Frame, String> {
    let qname = s.name();
    let qname: &str = qname.as_ref();
    let (prefix, local) = match qname.split_once(':') {
        Some((p, l)) => (Some(p), l),
        None => (None, qname),
    };
    let mut attrs = Vec::new();
    let mut ns_decls = Vec::new();
    for a in s.attributes() {
        let a = a.map_err(|e| format!("bad attribute: {e}"))?;
        let key: &str = a.key.as_ref();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("bad attribute value: {e}"))?
            .into_owned();
        if key == "xmlns" {
            ns_decls.push((String::new(), value.clone()));
        } else if let Some(p) = key.strip_prefix("xmlns:") {
            ns_decls.push((p.to_string(), value.clone()));
        }
        attrs.push((key.to_string(), value));
    }
    let want = prefix.unwrap_or("");
    let ns = ns_decls
        .iter()
        .find(|(p, _)| p == want)
        .map(|(_, u)| u.clone())
        .or_else(|| {
            stack.iter().rev().find_map(|f| {
                f.ns_decls
                    .iter()
                    .find(|(p, _)| p == want)
                    .map(|(_, u)| u.clone())
            })
        })
        .filter(|u| !u.is_empty());
    Ok(Frame {
        el: Element {
            name: local.to_string(),
            ns,
            attrs,
            text: String::new(),
            children: Vec::new(),
            line,
        },
        ns_decls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &[u8]) -> Result<Document> {
        parse(s, Path::new("t.xml"), &XmlLimits::default())
    }

    #[test]
    fn parses_namespaces_lines_and_refs() {
        let d = p(b"<?xml version=\"1.0\"?>\n<ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\" DocType=\"OFD\">\n <ofd:DocBody>a &amp; b &#x4E2D;</ofd:DocBody>\n</ofd:OFD>").unwrap();
        assert_eq!(d.root.name, "OFD");
        assert_eq!(d.root.ns.as_deref(), Some("http://www.ofdspec.org/2016"));
        assert_eq!(d.root.attr("DocType"), Some("OFD"));
        let body = d.root.child("DocBody").unwrap();
        assert_eq!(body.trimmed(), "a & b 中");
        assert_eq!(body.line, 3);
        assert_eq!(body.ns.as_deref(), Some("http://www.ofdspec.org/2016"));
    }

    #[test]
    fn gbk_and_bom() {
        let (gbk, _, _) =
            encoding_rs::GBK.encode("<?xml version=\"1.0\" encoding=\"GBK\"?><题名>档案</题名>");
        let d = p(&gbk).unwrap();
        assert_eq!(d.root.name, "题名");
        assert_eq!(d.root.trimmed(), "档案");
        assert_eq!(d.encoding, "gb18030");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("<a>x</a>".as_bytes());
        assert!(p(&bom).unwrap().had_bom);
    }

    #[test]
    fn refuses_hostile_input() {
        let bl = b"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]><lolz>&lol2;</lolz>";
        let e = p(bl).unwrap_err().to_string();
        assert!(e.contains("DOCTYPE"), "{e}");
        let deep = format!("{}{}", "<a>".repeat(300), "</a>".repeat(300));
        assert!(matches!(p(deep.as_bytes()), Err(Error::Limit { .. })));
        assert!(p(b"<a><b></a>").is_err());
        assert!(p(b"<a>&foo;</a>").is_err());
        assert!(p(b"<a></a><b/>").is_err());
        assert!(p(b"").is_err());
        let small = XmlLimits {
            max_bytes: 4,
            ..Default::default()
        };
        assert!(matches!(
            parse(b"<a></a>", Path::new("x"), &small),
            Err(Error::Limit { .. })
        ));
    }
}
