//! A minimal XML writer for the packages guidang generates: escaping and an indented metadata tree.

use crate::record::MetaNode;

/// Escapes text or an attribute value (`& < > " '`); control characters other than tab, CR and LF
/// (not allowed in XML 1.0) are dropped.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A simple element `<name>text</name>` at `indent` levels.
pub(crate) fn leaf(out: &mut String, indent: usize, name: &str, text: &str) {
    pad(out, indent);
    out.push('<');
    out.push_str(name);
    out.push('>');
    out.push_str(&esc(text));
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

pub(crate) fn pad(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push_str("  ");
    }
}

/// Writes a metadata node and its children, indented.
pub(crate) fn write_node(out: &mut String, n: &MetaNode, indent: usize) {
    pad(out, indent);
    out.push('<');
    out.push_str(&n.name);
    for (k, v) in &n.attrs {
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        out.push_str(&esc(v));
        out.push('"');
    }
    if n.children.is_empty() {
        match &n.text {
            Some(t) => {
                out.push('>');
                out.push_str(&esc(t));
                out.push_str("</");
                out.push_str(&n.name);
                out.push_str(">\n");
            }
            None => out.push_str("/>\n"),
        }
        return;
    }
    out.push('>');
    if let Some(t) = &n.text {
        out.push_str(&esc(t));
    }
    out.push('\n');
    for c in &n.children {
        write_node(out, c, indent + 1);
    }
    pad(out, indent);
    out.push_str("</");
    out.push_str(&n.name);
    out.push_str(">\n");
}
