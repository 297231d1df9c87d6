//! OFD usability (GB/T 33190-2016): container safety (through [`ZipContainer`]), OFD.xml,
//! Document.xml and every page's Content.xml parse, every referenced part and resource file
//! exists, page count, fonts embedded or not, attachments and signatures listed, and the
//! GB/T 42133-2022 OFD-A profile rules (standards.md §6.7). Producers' quirks (absolute or
//! root-relative paths, non-standard namespaces, BOMs) are tolerated as warnings.

use super::pdf::Indicator;
use super::{Area, Details, FormatLimits, Inspection, Problem, Readable, Severity};
use crate::container::{normalize, ZipContainer};
use crate::record::Source;
use crate::xml::{self, Element};
use serde::Serialize;
use std::collections::BTreeSet;
use std::io::{Read, Seek};
use std::path::Path;

/// The OFD namespace.
pub const OFD_NS: &str = "http://www.ofdspec.org/2016";

/// A signature listed in `Signatures.xml` (verification belongs to the authenticity checks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureRef {
    /// `@ID`.
    pub id: String,
    /// `@Type` (`Seal` by default, or `Sign`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Resolved package path of `Signature.xml`.
    pub path: String,
}

/// What guidang found in an OFD package.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfdInfo {
    /// `@DocType` of OFD.xml (`OFD` or `OFD-A`).
    pub doc_type: String,
    /// `@Version` of OFD.xml.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ofd_version: Option<String>,
    /// Number of `DocBody` (documents) in the package.
    pub documents: usize,
    /// Pages of the first document.
    pub pages: usize,
    /// XML parts parsed.
    pub parts_parsed: usize,
    /// Fonts declared in the resources.
    pub fonts: usize,
    /// Names of fonts declared without an embedded font file (viewers substitute them).
    pub fonts_not_embedded: Vec<String>,
    /// Multimedia resources (images …) declared.
    pub media: usize,
    /// Image formats declared on multimedia resources (`@Format`).
    pub media_formats: Vec<String>,
    /// Attachment names (`Attachments.xml`).
    pub attachments: Vec<String>,
    /// Signatures listed.
    pub signatures: Vec<SignatureRef>,
    /// Whether the document has CustomTags (invoice data often lives there).
    pub custom_tags: bool,
    /// Action types found in the document, pages and outlines.
    pub actions: Vec<String>,
    /// GB/T 42133-2022 OFD-A rules (evaluated always; judged when DocType is OFD-A or the scheme
    /// requires OFD-A).
    pub ofda_rules: Vec<Indicator>,
}

impl OfdInfo {
    /// OFD-A rules that do not hold.
    pub fn ofda_failures(&self) -> Vec<&Indicator> {
        self.ofda_rules.iter().filter(|r| !r.ok).collect()
    }
}

struct Ctx<'a, R: Read + Seek> {
    z: &'a mut ZipContainer<R>,
    limits: &'a FormatLimits,
    problems: Vec<Problem>,
    info: OfdInfo,
    parsed: BTreeSet<String>,
    ns_warned: bool,
    bom_warned: bool,
    root_relative_warned: bool,
    res_ids: BTreeSet<String>,
    max_block_depth: usize,
    package: String,
}

impl<R: Read + Seek> Ctx<'_, R> {
    /// Resolves an ST_Loc against the folder of the part that names it. Absolute locations
    /// (`/Doc_0/…`) start at the package root; a relative one that only exists from the root is
    /// accepted with a warning (a common producer quirk).
    fn resolve(&mut self, base_dir: &str, loc: &str) -> Option<String> {
        let loc = loc.trim();
        if loc.is_empty() {
            return None;
        }
        if loc.starts_with('/') || loc.starts_with('\\') {
            return normalize(loc)
                .filter(|n| self.z.contains(n))
                .map(|n| self.canon(&n));
        }
        let joined = if base_dir.is_empty() {
            loc.to_string()
        } else {
            format!("{base_dir}/{loc}")
        };
        if let Some(n) = normalize(&joined).filter(|n| self.z.contains(n)) {
            return Some(self.canon(&n));
        }
        let from_root = normalize(loc).filter(|n| self.z.contains(n))?;
        if !self.root_relative_warned {
            self.root_relative_warned = true;
            let pkg = self.package.clone();
            self.problems.push(Problem::quirk(
                "ofd.path_root_relative",
                format!("{pkg}：相对路径 `{loc}` 按包根目录解析（生产者习惯，非标准）"),
                format!("{pkg}: relative location `{loc}` resolved from the package root (a producer quirk)"),
            ));
        }
        Some(self.canon(&from_root))
    }

    fn canon(&self, n: &str) -> String {
        self.z
            .lookup(n)
            .map(|e| e.name.clone())
            .unwrap_or_else(|| n.to_string())
    }

    /// A referenced part that does not exist: an error for content (pages, media, attachments),
    /// a warning for what viewers tolerate (resource lists, font files, signature parts).
    fn missing(&mut self, what: (&str, &str), loc: &str, from: &str, fatal: bool) {
        let pkg = self.package.clone();
        let (zh, en) = (
            format!("{pkg}：{from} 引用的{} `{loc}` 不存在", what.0),
            format!(
                "{pkg}: {} `{loc}` referenced by {from} does not exist",
                what.1
            ),
        );
        self.problems.push(if fatal {
            Problem::unreadable("ofd.part_missing", zh, en)
        } else {
            Problem::quirk("ofd.part_missing_tolerated", zh, en)
        });
    }

    /// Reads and parses one XML part; problems are recorded and `None` returned on failure.
    fn part(&mut self, name: &str) -> Option<Element> {
        let pkg = self.package.clone();
        let bytes = match self.z.read(name) {
            Ok(b) => b,
            Err(e) => {
                self.problems.push(Problem::from_error(
                    &format!("{pkg} 的部件 {name} "),
                    &format!("part {name} of {pkg}"),
                    &e,
                ));
                return None;
            }
        };
        match xml::parse(&bytes, Path::new(name), &self.limits.xml) {
            Ok(doc) => {
                self.parsed.insert(name.to_string());
                self.info.parts_parsed += 1;
                if doc.had_bom && !self.bom_warned {
                    self.bom_warned = true;
                    self.problems.push(Problem::quirk(
                        "ofd.bom",
                        format!("{pkg}：{name} 以 BOM 开头"),
                        format!("{pkg}: {name} starts with a byte-order mark"),
                    ));
                }
                if doc.root.ns.as_deref() != Some(OFD_NS) && !self.ns_warned {
                    self.ns_warned = true;
                    let ns = doc.root.ns.clone().unwrap_or_else(|| "(none)".into());
                    self.problems.push(Problem::quirk(
                        "ofd.namespace",
                        format!("{pkg}：{name} 的命名空间为 {ns}，不是 {OFD_NS}"),
                        format!("{pkg}: {name} uses namespace {ns}, not {OFD_NS}"),
                    ));
                }
                Some(doc.root)
            }
            Err(e) => {
                self.problems.push(Problem::from_error(
                    &format!("{pkg} 的部件 {name} "),
                    &format!("part {name} of {pkg}"),
                    &e,
                ));
                None
            }
        }
    }
}

fn dir_of(name: &str) -> String {
    name.rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default()
}

/// Inspects an OFD source into `ins`.
pub(super) fn inspect(source: &Source, limits: &FormatLimits, ins: &mut Inspection) {
    let path = source.display_path();
    let reader = match source.open() {
        Ok(r) => r,
        Err(e) => {
            ins.readable = Readable::No;
            ins.problems
                .push(Problem::from_error("OFD 文件", "the OFD file", &e));
            return;
        }
    };
    let mut z = match ZipContainer::new(reader, &path, limits.zip) {
        Ok(z) => z,
        Err(e) => {
            ins.readable = Readable::No;
            ins.problems.extend(container_problems(&e));
            return;
        }
    };
    let (info, problems) = analyse(&mut z, limits, &path.display().to_string());
    let fatal = problems
        .iter()
        .any(|p| p.area == Area::Readability && p.severity == Severity::Error);
    ins.readable = if fatal { Readable::No } else { Readable::Yes };
    ins.problems.extend(problems);
    ins.depth = "package structure: OFD.xml, Document.xml, every page, template, resource and \
                 signature list parsed; referenced files present; pages not rendered"
        .into();
    if let Some(info) = info {
        if info.doc_type == "OFD-A" {
            ins.identification.profile = Some("OFD-A".into());
        }
        if info.ofd_version.is_some() {
            ins.identification.version = info.ofd_version.clone();
        }
        ins.details = Details::Ofd(info);
    }
}

/// Problems for a container that could not be opened (encryption is also a security problem).
pub fn container_problems(e: &crate::Error) -> Vec<Problem> {
    let mut v = vec![Problem::from_error("压缩容器", "the zip container", e)];
    if e.to_string().contains("is encrypted") {
        v.push(Problem::new(
            Area::Security,
            Severity::Error,
            "container.encrypted",
            format!("压缩容器含加密条目：{e}"),
            format!("the zip container has encrypted entries: {e}"),
        ));
    }
    v
}

/// Analyses an opened OFD container. `package` names it in messages.
pub fn analyse<R: Read + Seek>(
    z: &mut ZipContainer<R>,
    limits: &FormatLimits,
    package: &str,
) -> (Option<OfdInfo>, Vec<Problem>) {
    let mut c = Ctx {
        z,
        limits,
        problems: Vec::new(),
        info: OfdInfo {
            doc_type: String::new(),
            ofd_version: None,
            documents: 0,
            pages: 0,
            parts_parsed: 0,
            fonts: 0,
            fonts_not_embedded: Vec::new(),
            media: 0,
            media_formats: Vec::new(),
            attachments: Vec::new(),
            signatures: Vec::new(),
            custom_tags: false,
            actions: Vec::new(),
            ofda_rules: Vec::new(),
        },
        parsed: BTreeSet::new(),
        ns_warned: false,
        bom_warned: false,
        root_relative_warned: false,
        res_ids: BTreeSet::new(),
        max_block_depth: 0,
        package: package.to_string(),
    };
    if !c.z.contains("OFD.xml") {
        c.problems.push(Problem::unreadable(
            "ofd.no_entry",
            format!("{package} 缺少 OFD.xml 入口文件"),
            format!("{package} has no OFD.xml entry file"),
        ));
        return (None, c.problems);
    }
    let Some(ofd) = c.part("OFD.xml") else {
        return (None, c.problems);
    };
    if ofd.name != "OFD" {
        c.problems.push(Problem::unreadable(
            "ofd.bad_root",
            format!("{package}：OFD.xml 的根元素是 {}，不是 OFD", ofd.name),
            format!(
                "{package}: the root element of OFD.xml is {}, not OFD",
                ofd.name
            ),
        ));
        return (None, c.problems);
    }
    c.info.doc_type = ofd.attr("DocType").unwrap_or("OFD").to_string();
    c.info.ofd_version = ofd.attr("Version").map(Into::into);
    let bodies: Vec<&Element> = ofd.children_named("DocBody").collect();
    c.info.documents = bodies.len();
    let encryptions = ofd.find("Encryptions").is_some() || c.z.contains("Encryptions.xml");
    if bodies.is_empty() {
        c.problems.push(Problem::unreadable(
            "ofd.no_docbody",
            format!("{package}：OFD.xml 没有 DocBody"),
            format!("{package}: OFD.xml has no DocBody"),
        ));
    }
    let mut doc_el: Option<Element> = None;
    for (i, body) in bodies.iter().enumerate() {
        let Some(root_loc) = body
            .text_at("DocRoot")
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            c.problems.push(Problem::unreadable(
                "ofd.no_docroot",
                format!("{package}：第 {} 个 DocBody 没有 DocRoot", i + 1),
                format!("{package}: DocBody #{} has no DocRoot", i + 1),
            ));
            continue;
        };
        let Some(doc_path) = c.resolve("", root_loc) else {
            c.missing(
                ("文档根 Document.xml", "document root Document.xml"),
                root_loc,
                "OFD.xml",
                true,
            );
            continue;
        };
        let Some(doc) = c.part(&doc_path) else {
            continue;
        };
        document(&mut c, &doc, &doc_path, i == 0);
        if let Some(sig_loc) = body
            .text_at("Signatures")
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            signatures(&mut c, sig_loc);
        }
        if i == 0 {
            doc_el = Some(doc);
        }
    }
    ofda_rules(&mut c, doc_el.as_ref(), encryptions);
    if c.info.doc_type == "OFD-A" {
        let bad: Vec<String> = c
            .info
            .ofda_failures()
            .iter()
            .map(|r| format!("{} {}", r.clauses, r.detail))
            .collect();
        if !bad.is_empty() {
            c.problems.push(Problem::new(
                Area::Compliance,
                Severity::Error,
                "ofda.rules",
                format!(
                    "{package} 声明 DocType=OFD-A，但不符合 GB/T 42133-2022：{}",
                    bad.join("；")
                ),
                format!(
                    "{package} declares DocType=OFD-A but breaks GB/T 42133-2022: {}",
                    bad.join("; ")
                ),
            ));
        }
    }
    if encryptions {
        c.problems.push(Problem::new(
            Area::Security,
            Severity::Error,
            "ofd.encrypted",
            format!("{package} 含加密信息（Encryptions），归档文件不得加密"),
            format!("{package} carries encryption information (Encryptions): archival content must not be encrypted"),
        ));
    }
    if c.info.actions.iter().any(|a| a != "Goto") {
        let list: Vec<&String> = c.info.actions.iter().filter(|a| *a != "Goto").collect();
        c.problems.push(Problem::new(
            Area::Security,
            Severity::Warning,
            "ofd.actions",
            format!("{package} 含非文档内跳转动作：{list:?}"),
            format!("{package} has actions other than internal Goto: {list:?}"),
        ));
    }
    let info = c.info;
    (Some(info), c.problems)
}

fn document<R: Read + Seek>(c: &mut Ctx<'_, R>, doc: &Element, doc_path: &str, first: bool) {
    let dir = dir_of(doc_path);
    // Resources.
    if let Some(cd) = doc.child("CommonData") {
        for kind in ["PublicRes", "DocumentRes"] {
            for r in cd.children_named(kind) {
                let loc = r.trimmed().to_string();
                match c.resolve(&dir, &loc) {
                    Some(p) => resources(c, &p),
                    None => c.missing(("资源文件", "resource file"), &loc, doc_path, false),
                }
            }
        }
        for t in cd.children_named("TemplatePage") {
            if let Some(loc) = t.attr("BaseLoc") {
                match c.resolve(&dir, loc) {
                    Some(p) => {
                        if let Some(el) = c.part(&p) {
                            page_content(c, &el);
                        }
                    }
                    None => c.missing(("模板页", "template page"), loc, doc_path, true),
                }
            }
        }
    }
    // Pages.
    let pages: Vec<&Element> = doc
        .at("Pages")
        .map(|p| p.children_named("Page").collect())
        .unwrap_or_default();
    if first {
        c.info.pages = pages.len();
        if pages.is_empty() {
            let pkg = c.package.clone();
            c.problems.push(Problem::unreadable(
                "ofd.no_pages",
                format!("{pkg}：{doc_path} 没有页面"),
                format!("{pkg}: {doc_path} has no pages"),
            ));
        }
    }
    for (i, p) in pages.iter().enumerate() {
        if i >= c.limits.ofd_max_pages {
            let pkg = c.package.clone();
            c.problems.push(Problem::limit(
                Path::new(&pkg),
                format!("more than {} OFD pages", c.limits.ofd_max_pages),
            ));
            break;
        }
        let Some(loc) = p.attr("BaseLoc") else {
            let pkg = c.package.clone();
            c.problems.push(Problem::unreadable(
                "ofd.page_no_baseloc",
                format!("{pkg}：第 {} 页没有 BaseLoc", i + 1),
                format!("{pkg}: page {} has no BaseLoc", i + 1),
            ));
            continue;
        };
        match c.resolve(&dir, loc) {
            Some(pp) => {
                if let Some(el) = c.part(&pp) {
                    // Page-level resources.
                    let pdir = dir_of(&pp);
                    for r in el.children_named("PageRes") {
                        let loc = r.trimmed().to_string();
                        match c.resolve(&pdir, &loc) {
                            Some(rp) => resources(c, &rp),
                            None => {
                                c.missing(("页资源文件", "page resource file"), &loc, &pp, false)
                            }
                        }
                    }
                    page_content(c, &el);
                }
            }
            None => c.missing(("页面内容", "page content"), loc, doc_path, true),
        }
    }
    // Attachments, custom tags, annotations, actions.
    if let Some(loc) = doc
        .text_at("Attachments")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match c.resolve(&dir, loc) {
            Some(ap) => {
                if let Some(el) = c.part(&ap) {
                    let adir = dir_of(&ap);
                    for a in el.children_named("Attachment") {
                        let name = a.attr("Name").or(a.attr("ID")).unwrap_or("?").to_string();
                        if let Some(fl) = a.text_at("FileLoc").map(str::trim) {
                            if c.resolve(&adir, fl).is_none() {
                                c.missing(("附件", "attachment"), fl, &ap, true);
                            }
                        }
                        c.info.attachments.push(name);
                    }
                }
            }
            None => c.missing(("附件列表", "attachment list"), loc, doc_path, true),
        }
    }
    if let Some(loc) = doc
        .text_at("CustomTags")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        c.info.custom_tags = true;
        match c.resolve(&dir, loc) {
            Some(tp) => {
                c.part(&tp);
            }
            None => c.missing(("自定义标引", "custom tags"), loc, doc_path, false),
        }
    }
    if let Some(loc) = doc
        .text_at("Annotations")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match c.resolve(&dir, loc) {
            Some(ap) => {
                if let Some(el) = c.part(&ap) {
                    let adir = dir_of(&ap);
                    for p in el.children_named("Page") {
                        if let Some(fl) = p.text_at("FileLoc").map(str::trim) {
                            match c.resolve(&adir, fl) {
                                Some(f) => {
                                    c.part(&f);
                                }
                                None => c.missing(("注释文件", "annotation file"), fl, &ap, false),
                            }
                        }
                    }
                }
            }
            None => c.missing(("注释列表", "annotation list"), loc, doc_path, false),
        }
    }
    let mut acts = Vec::new();
    collect_actions(doc, &mut acts, 0);
    c.info.actions.extend(acts);
}

fn collect_actions(el: &Element, out: &mut Vec<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    if el.name == "Action" {
        for k in &el.children {
            if matches!(
                k.name.as_str(),
                "Goto" | "URI" | "GotoA" | "Sound" | "Movie"
            ) {
                out.push(k.name.clone());
            }
        }
    }
    for ch in &el.children {
        collect_actions(ch, out, depth + 1);
    }
}

fn resources<R: Read + Seek>(c: &mut Ctx<'_, R>, res_path: &str) {
    if c.parsed.contains(res_path) {
        return;
    }
    let Some(res) = c.part(res_path) else { return };
    let res_dir = dir_of(res_path);
    let base = res.attr("BaseLoc").unwrap_or("").trim().to_string();
    let base_dir = if base.is_empty() {
        res_dir.clone()
    } else if base.starts_with('/') {
        normalize(&base).unwrap_or_default()
    } else {
        normalize(&format!("{res_dir}/{base}")).unwrap_or_default()
    };
    let mut all = Vec::new();
    res.find_all("Font", &mut all);
    for f in all {
        c.info.fonts += 1;
        if let Some(id) = f.attr("ID") {
            c.res_ids.insert(id.to_string());
        }
        let name = f.attr("FontName").unwrap_or("?").to_string();
        match f
            .text_at("FontFile")
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => {
                if !c.info.fonts_not_embedded.contains(&name) {
                    c.info.fonts_not_embedded.push(name);
                }
            }
            Some(loc) => {
                if c.resolve(&base_dir, loc).is_none() {
                    c.missing(("字体文件", "font file"), loc, res_path, false);
                }
            }
        }
    }
    let mut media = Vec::new();
    res.find_all("MultiMedia", &mut media);
    for m in media {
        c.info.media += 1;
        if let Some(id) = m.attr("ID") {
            c.res_ids.insert(id.to_string());
        }
        if let Some(fmt) = m.attr("Format") {
            let f = fmt.to_ascii_uppercase();
            if !c.info.media_formats.contains(&f) {
                c.info.media_formats.push(f);
            }
        }
        if let Some(loc) = m
            .text_at("MediaFile")
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            if c.resolve(&base_dir, loc).is_none() {
                c.missing(("多媒体文件", "multimedia file"), loc, res_path, true);
            }
        }
    }
    for kind in ["ColorSpace", "DrawParam", "CompositeGraphicUnit"] {
        let mut v = Vec::new();
        res.find_all(kind, &mut v);
        for e in v {
            if let Some(id) = e.attr("ID") {
                c.res_ids.insert(id.to_string());
            }
        }
    }
}

fn page_content<R: Read + Seek>(c: &mut Ctx<'_, R>, page: &Element) {
    let depth = block_depth(page, 0);
    c.max_block_depth = c.max_block_depth.max(depth);
    let mut acts = Vec::new();
    collect_actions(page, &mut acts, 0);
    c.info.actions.extend(acts);
}

fn block_depth(el: &Element, d: usize) -> usize {
    if d > 256 {
        return d;
    }
    let here = usize::from(el.name == "PageBlock");
    el.children
        .iter()
        .map(|ch| block_depth(ch, d + here))
        .max()
        .unwrap_or(d + here)
        .max(d + here)
}

fn signatures<R: Read + Seek>(c: &mut Ctx<'_, R>, loc: &str) {
    let Some(sp) = c.resolve("", loc) else {
        c.missing(("签名列表", "signature list"), loc, "OFD.xml", false);
        return;
    };
    let Some(el) = c.part(&sp) else { return };
    let sdir = dir_of(&sp);
    for s in el.children_named("Signature") {
        let id = s.attr("ID").unwrap_or("?").to_string();
        let kind = s.attr("Type").unwrap_or("Seal").to_string();
        let Some(base) = s.attr("BaseLoc") else {
            continue;
        };
        match c.resolve(&sdir, base) {
            Some(p) => {
                c.part(&p);
                c.info.signatures.push(SignatureRef { id, kind, path: p });
            }
            None => c.missing(("签名文件", "signature file"), base, &sp, false),
        }
    }
}

fn rule(id: &'static str, clauses: &'static str, ok: bool, detail: impl Into<String>) -> Indicator {
    Indicator {
        id,
        clauses,
        ok,
        detail: detail.into(),
    }
}

fn ofda_rules<R: Read + Seek>(c: &mut Ctx<'_, R>, doc: Option<&Element>, encrypted: bool) {
    let mut v = vec![
        rule(
            "doctype",
            "GB/T 42133-2022 DocType",
            c.info.doc_type == "OFD-A",
            format!("DocType={}", c.info.doc_type),
        ),
        rule(
            "single_document",
            "GB/T 42133-2022 6.2.1 c",
            c.info.documents == 1,
            format!("{} document(s)", c.info.documents),
        ),
        rule(
            "no_encryption",
            "GB/T 42133-2022 6.16",
            !encrypted,
            if encrypted {
                "encryption information present"
            } else {
                "not encrypted"
            },
        ),
    ];
    for (id, el, clause) in [
        ("no_permissions", "Permissions", "GB/T 42133-2022 6.2.2 a"),
        ("no_vpreferences", "VPreferences", "GB/T 42133-2022 6.2.2 b"),
        ("no_extensions", "Extensions", "GB/T 42133-2022 6.2.2 e"),
    ] {
        let present = doc.map(|d| d.child(el).is_some()).unwrap_or(false);
        v.push(rule(
            id,
            clause,
            !present,
            if present {
                format!("Document.xml has {el}")
            } else {
                format!("no {el}")
            },
        ));
    }
    let external: Vec<&String> = c.info.actions.iter().filter(|a| *a != "Goto").collect();
    v.push(rule(
        "internal_actions_only",
        "GB/T 42133-2022 6.2.2 c, 6.2.3 c, 6.2.5 a",
        external.is_empty(),
        if external.is_empty() {
            "only internal Goto actions".to_string()
        } else {
            format!("actions other than Goto: {external:?}")
        },
    ));
    v.push(rule(
        "page_block_nesting",
        "GB/T 42133-2022 6.2.3 e",
        c.max_block_depth <= 3,
        format!("PageBlock nesting depth {}", c.max_block_depth),
    ));
    c.info.ofda_rules = v;
}
