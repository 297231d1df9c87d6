//! The metadata a record presents for validation: its metadata tree, plus — when the metadata has
//! no component section (`文件数据/文档`) and no root `电子属性` — one `文件数据/文档` entry per
//! component built from the attributes the caller declared (manifest `attributes`, builder
//! [`Declared`](crate::record::Declared)). DA/T 46 电子属性 are then checked wherever they were given.

use crate::record::{Component, MetaNode, Record};
use std::borrow::Cow;

/// The record's metadata with declared component attributes folded in (see the module doc);
/// `None` when the record has no metadata.
pub fn metadata_view(record: &Record) -> Option<Cow<'_, MetaNode>> {
    let md = record.metadata.as_ref()?;
    let has_section = ["文件数据", "组件", "电子属性"]
        .iter()
        .any(|n| md.child(n).is_some());
    if has_section || record.components.is_empty() {
        return Some(Cow::Borrowed(md));
    }
    let mut view = md.clone();
    let mut data = MetaNode::container("文件数据");
    for c in &record.components {
        data.children.push(document(c));
    }
    view.children.push(data);
    Some(Cow::Owned(view))
}

fn leaf_opt(node: &mut MetaNode, name: &str, v: Option<&str>) {
    if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) {
        node.children.push(MetaNode::leaf(name, v));
    }
}

fn document(c: &Component) -> MetaNode {
    let d = &c.declared;
    let mut doc = MetaNode::container("文档");
    doc.line = d.line;
    doc.children
        .push(MetaNode::leaf("文档序号", c.sequence.to_string()));
    doc.children.push(MetaNode::leaf("组件类型", c.role.zh()));
    leaf_opt(&mut doc, "题名", c.title.as_deref());
    let mut ea = MetaNode::container("电子属性");
    leaf_opt(&mut ea, "格式信息", d.format.as_deref());
    // The name the file is archived under is its 计算机文件名 when none was declared.
    leaf_opt(
        &mut ea,
        "计算机文件名",
        d.file_name.as_deref().or(Some(c.name.as_str())),
    );
    leaf_opt(&mut ea, "计算机文件大小", d.size.as_deref());
    leaf_opt(&mut ea, "文档创建程序", d.creating_application.as_deref());
    doc.children.push(ea);
    if let Some(g) = &d.digitization {
        let mut n = MetaNode::container("数字化属性");
        leaf_opt(&mut n, "数字化对象形态", g.physical_form.as_deref());
        leaf_opt(&mut n, "扫描分辨率", g.resolution.as_deref());
        leaf_opt(&mut n, "扫描色彩模式", g.color_mode.as_deref());
        leaf_opt(&mut n, "图像压缩方案", g.compression.as_deref());
        doc.children.push(n);
    }
    for (alg, value) in &d.digests {
        let mut n = MetaNode::leaf("数字摘要", value.clone());
        n.attrs.push(("算法".into(), alg.clone()));
        doc.children.push(n);
    }
    doc
}
