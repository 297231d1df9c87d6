//! The metadata tree of a record: DA/T 46 elements by their Chinese names, containers and values,
//! with the source line of each element so findings can point at it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One metadata element: a simple element has `text`, a container has `children`
/// (档号 is both: mixed content with a value and component sub-elements).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetaNode {
    /// Element name (DA/T 46 Chinese name, e.g. `题名`).
    pub name: String,
    /// Text value, trimmed; `None` for pure containers and empty elements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// XML attributes (e.g. 主题词表名称).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attrs: Vec<(String, String)>,
    /// Child elements in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<MetaNode>,
    /// 1-based line in the source file, when read from a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl MetaNode {
    /// A simple element with a value.
    pub fn leaf(name: impl Into<String>, text: impl Into<String>) -> Self {
        MetaNode {
            name: name.into(),
            text: Some(text.into()),
            ..Default::default()
        }
    }

    /// An empty container.
    pub fn container(name: impl Into<String>) -> Self {
        MetaNode {
            name: name.into(),
            ..Default::default()
        }
    }

    /// Adds a child and returns self (builder style).
    pub fn push(mut self, child: MetaNode) -> Self {
        self.children.push(child);
        self
    }

    /// First direct child with that name.
    pub fn child(&self, name: &str) -> Option<&MetaNode> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Mutable first direct child with that name.
    pub fn child_mut(&mut self, name: &str) -> Option<&mut MetaNode> {
        self.children.iter_mut().find(|c| c.name == name)
    }

    /// All direct children with that name (repeatable elements).
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a MetaNode> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Node at a `/`-separated path of child names relative to this node (`内容描述/题名`).
    pub fn at(&self, path: &str) -> Option<&MetaNode> {
        let mut cur = self;
        for part in path.split('/').filter(|p| !p.is_empty()) {
            cur = cur.child(part)?;
        }
        Some(cur)
    }

    /// Every node at a path, following repeated elements at each level.
    pub fn all_at<'a>(&'a self, path: &str) -> Vec<&'a MetaNode> {
        let mut cur: Vec<&MetaNode> = vec![self];
        for part in path.split('/').filter(|p| !p.is_empty()) {
            cur = cur
                .iter()
                .flat_map(|n| n.children.iter().filter(|c| c.name == part))
                .collect();
        }
        cur
    }

    /// First descendant (depth-first, self excluded) with that name.
    pub fn find(&self, name: &str) -> Option<&MetaNode> {
        for c in &self.children {
            if c.name == name {
                return Some(c);
            }
            if let Some(n) = c.find(name) {
                return Some(n);
            }
        }
        None
    }

    /// Text of the node at `path`, if present and non-empty.
    pub fn text_at(&self, path: &str) -> Option<&str> {
        self.at(path)
            .and_then(|n| n.text.as_deref())
            .filter(|t| !t.is_empty())
    }

    /// Text of the first descendant named `name`, if non-empty.
    pub fn find_text(&self, name: &str) -> Option<&str> {
        self.find(name)
            .and_then(|n| n.text.as_deref())
            .filter(|t| !t.is_empty())
    }

    /// Sets (or creates) the simple element at `path` to `value`.
    pub fn set(&mut self, path: &str, value: impl Into<String>) {
        let mut cur = self;
        for part in path.split('/').filter(|p| !p.is_empty()) {
            let idx = match cur.children.iter().position(|c| c.name == part) {
                Some(i) => i,
                None => {
                    cur.children.push(MetaNode::container(part));
                    cur.children.len() - 1
                }
            };
            cur = &mut cur.children[idx];
        }
        cur.text = Some(value.into());
    }

    /// Builds a tree from JSON: objects are containers, arrays are repeated elements,
    /// strings/numbers/bools are values. A `"#text"` key gives a container its own value (档号).
    pub fn from_json(name: &str, v: &Value) -> Vec<MetaNode> {
        match v {
            Value::Array(items) => items
                .iter()
                .flat_map(|i| MetaNode::from_json(name, i))
                .collect(),
            Value::Object(map) => {
                let mut node = MetaNode::container(name);
                for (k, v) in map {
                    if k == "#text" {
                        node.text = json_scalar(v);
                    } else if let Some(attr) = k.strip_prefix('@') {
                        if let Some(t) = json_scalar(v) {
                            node.attrs.push((attr.to_string(), t));
                        }
                    } else {
                        node.children.extend(MetaNode::from_json(k, v));
                    }
                }
                vec![node]
            }
            Value::Null => vec![MetaNode::container(name)],
            other => vec![MetaNode {
                name: name.into(),
                text: json_scalar(other),
                ..Default::default()
            }],
        }
    }

    /// Converts a parsed XML element (see [`crate::xml`]) into a metadata node, keeping each
    /// element's source line; namespace declarations are dropped.
    pub fn from_xml(e: &crate::xml::Element) -> MetaNode {
        MetaNode {
            name: e.name.clone(),
            text: Some(e.text.trim().to_string()).filter(|t| !t.is_empty()),
            attrs: e
                .attrs
                .iter()
                .filter(|(k, _)| !k.starts_with("xmlns"))
                .cloned()
                .collect(),
            children: e.children.iter().map(MetaNode::from_xml).collect(),
            line: Some(e.line),
        }
    }

    /// Number of nodes in this subtree (self included).
    pub fn count(&self) -> usize {
        1 + self.children.iter().map(MetaNode::count).sum::<usize>()
    }
}

fn json_scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The metadata of one record: a root node whose children are DA/T 46 elements.
pub type Metadata = MetaNode;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_json() {
        let v: Value = serde_json::json!({
            "内容描述": {"题名": "关于印发通知", "主题词": ["档案", "归档"]},
            "档号": {"#text": "Z109-WS·2024·Y·BGS-0001", "全宗号": "Z109"},
            "页数": 3
        });
        let md = MetaNode::from_json("文件实体", &v).remove(0);
        assert_eq!(md.text_at("内容描述/题名"), Some("关于印发通知"));
        assert_eq!(md.all_at("内容描述/主题词").len(), 2);
        assert_eq!(md.text_at("档号"), Some("Z109-WS·2024·Y·BGS-0001"));
        assert_eq!(md.text_at("档号/全宗号"), Some("Z109"));
        assert_eq!(md.find_text("全宗号"), Some("Z109"));
        assert_eq!(md.text_at("页数"), Some("3"));
        let mut m2 = md.clone();
        m2.set("来源/立档单位名称", "某市档案局");
        assert_eq!(m2.text_at("来源/立档单位名称"), Some("某市档案局"));
        assert!(m2.count() > md.count());
    }
}
