//! The record model: a record (件) is metadata plus one or more components (正文, 附件, 处理单,
//! 原始凭证 …), each a file on disk or bytes in memory, with its declared electronic attributes.
//! Records come from a record folder (metadata XML), a JSON manifest, or [`RecordBuilder`].

mod batch;
mod folder;
mod manifest;
pub mod metadata;

pub use batch::{load, Batch, BatchExpectation, Input};
pub use folder::{read_record_folder, METADATA_FILE_NAMES};
pub use manifest::read_manifest;
pub use metadata::{MetaNode, Metadata};

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The role of a component inside a record (件).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// 正文 — the main document.
    #[serde(rename = "正文")]
    Main,
    /// 附件 — attachment.
    #[serde(rename = "附件")]
    Attachment,
    /// 处理单 / 办理单 — processing sheet.
    #[serde(rename = "处理单")]
    ProcessingSheet,
    /// 原始凭证 — original voucher (invoice, receipt…).
    #[serde(rename = "原始凭证")]
    OriginalVoucher,
    /// 记账凭证 — accounting voucher.
    #[serde(rename = "记账凭证")]
    AccountingVoucher,
    /// Any other role, by its Chinese name.
    #[serde(untagged)]
    Other(String),
}

impl Role {
    /// Parses a Chinese (or English) role name; unknown names become [`Role::Other`].
    pub fn parse(s: &str) -> Role {
        match s.trim() {
            "正文" | "主文档" | "main" => Role::Main,
            "附件" | "附属文档" | "attachment" => Role::Attachment,
            "处理单" | "办理单" | "公文处理单" | "processing_sheet" => {
                Role::ProcessingSheet
            }
            "原始凭证" | "original_voucher" => Role::OriginalVoucher,
            "记账凭证" | "accounting_voucher" => Role::AccountingVoucher,
            other => Role::Other(other.to_string()),
        }
    }
    /// Chinese name.
    pub fn zh(&self) -> &str {
        match self {
            Role::Main => "正文",
            Role::Attachment => "附件",
            Role::ProcessingSheet => "处理单",
            Role::OriginalVoucher => "原始凭证",
            Role::AccountingVoucher => "记账凭证",
            Role::Other(s) => s,
        }
    }
}

/// A readable and seekable byte source.
pub trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

/// Where a component's bytes are.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A file on disk (never moved or modified by guidang).
    Path(PathBuf),
    /// Bytes held in memory (from a business system).
    Bytes(Arc<Vec<u8>>),
}

impl Source {
    /// Opens the bytes for streaming.
    pub fn open(&self) -> Result<Box<dyn ReadSeek>> {
        match self {
            Source::Path(p) => {
                let f = std::fs::File::open(p).map_err(|e| Error::io(p, e))?;
                Ok(Box::new(std::io::BufReader::with_capacity(256 * 1024, f)))
            }
            Source::Bytes(b) => Ok(Box::new(std::io::Cursor::new(ArcBytes(b.clone())))),
        }
    }
    /// Size in bytes (file metadata for paths).
    pub fn size(&self) -> Result<u64> {
        match self {
            Source::Path(p) => Ok(std::fs::metadata(p).map_err(|e| Error::io(p, e))?.len()),
            Source::Bytes(b) => Ok(b.len() as u64),
        }
    }
    /// Reads at most `limit` bytes of the start (for sniffing).
    pub fn head(&self, limit: usize) -> Result<Vec<u8>> {
        let mut r = self.open()?;
        let mut buf = Vec::with_capacity(limit);
        r.as_mut()
            .take(limit as u64)
            .read_to_end(&mut buf)
            .map_err(|e| Error::io(self.display_path(), e))?;
        Ok(buf)
    }
    /// Reads everything, refusing more than `limit` bytes.
    pub fn read_all(&self, limit: u64) -> Result<Vec<u8>> {
        let size = self.size()?;
        if size > limit {
            return Err(Error::Limit {
                path: self.display_path(),
                limit: format!("{size} bytes exceed the in-memory limit of {limit} bytes"),
            });
        }
        match self {
            Source::Bytes(b) => Ok(b.as_ref().clone()),
            Source::Path(p) => std::fs::read(p).map_err(|e| Error::io(p, e)),
        }
    }
    /// A path for messages (`memory:` for in-memory sources).
    pub fn display_path(&self) -> PathBuf {
        match self {
            Source::Path(p) => p.clone(),
            Source::Bytes(_) => PathBuf::from("memory:"),
        }
    }
    /// The on-disk path, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Source::Path(p) => Some(p),
            Source::Bytes(_) => None,
        }
    }
}

#[derive(Debug, Clone)]
struct ArcBytes(Arc<Vec<u8>>);
impl AsRef<[u8]> for ArcBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// DA/T 46 数字化属性 (M52–M56) of a digitised component.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Digitization {
    /// 数字化对象形态
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub physical_form: Option<String>,
    /// 扫描分辨率 (as declared, e.g. `300dpi`)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// 扫描色彩模式 (黑白二值 / 灰度 / 彩色)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color_mode: Option<String>,
    /// 图像压缩方案
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<String>,
}

/// Declared electronic attributes (DA/T 46 电子属性 M46–M50) and fixity of one component.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Declared {
    /// 格式信息 (e.g. `PDF`, `OFD`, `PDF/A-2b`)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// 计算机文件名
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// 计算机文件大小 in bytes, as written (kept as text so that a bad value is a finding, not a load error)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// 文档创建程序
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creating_application: Option<String>,
    /// 数字化属性, for scanned records
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digitization: Option<Digitization>,
    /// Declared digests (固化信息 数字摘要): algorithm name → hex value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub digests: Vec<(String, String)>,
    /// 1-based line of the component's declaration in the metadata file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

/// One component (a computer file) of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    /// 正文, 附件, …
    pub role: Role,
    /// Name the file is archived under (its 计算机文件名 when declared).
    pub name: String,
    /// 文档序号 inside the record, 1-based.
    pub sequence: u32,
    /// 题名 of the component, if given.
    pub title: Option<String>,
    /// Where the bytes are.
    pub source: Source,
    /// Declared attributes to be checked against the content (DA/T 70 1-10).
    pub declared: Declared,
}

impl Component {
    /// A component read from a file on disk; the name is the file name.
    pub fn from_path(role: Role, path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Component {
            role,
            name,
            sequence: 0,
            title: None,
            source: Source::Path(path),
            declared: Declared::default(),
        }
    }
    /// A component held in memory.
    pub fn from_bytes(role: Role, name: impl Into<String>, bytes: Vec<u8>) -> Self {
        Component {
            role,
            name: name.into(),
            sequence: 0,
            title: None,
            source: Source::Bytes(Arc::new(bytes)),
            declared: Declared::default(),
        }
    }
    /// Sets declared attributes (builder style).
    pub fn with_declared(mut self, d: Declared) -> Self {
        self.declared = d;
        self
    }
    /// File extension, lowercase, without the dot.
    pub fn extension(&self) -> Option<String> {
        Path::new(&self.name)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
    }
}

/// Where a record was read from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A record folder (metadata XML + content files).
    Folder(PathBuf),
    /// A JSON record manifest.
    Manifest(PathBuf),
    /// A bare content file (a record with one component and no metadata).
    File(PathBuf),
    /// Built in memory by a business system.
    Memory,
}

impl Origin {
    /// Text for reports.
    pub fn describe(&self) -> String {
        match self {
            Origin::Folder(p) | Origin::Manifest(p) | Origin::File(p) => p.display().to_string(),
            Origin::Memory => "memory:".into(),
        }
    }
}

/// A content file found in the record folder that the metadata does not name (or a declared one
/// that is missing): kept so DA/T 70 1-11 / 2-7 can report it.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkProblem {
    /// File name.
    pub name: String,
    /// `true` if declared but not found; `false` if found but not declared.
    pub missing: bool,
    /// Declared role, for declared-but-missing files.
    pub role: Option<Role>,
}

/// A record (件): metadata plus components.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Record id: 电子文件号, manifest id, or the folder/file name.
    pub id: String,
    /// Metadata tree (DA/T 46 element names). `None` for a bare content file.
    pub metadata: Option<Metadata>,
    /// Where the metadata came from (for messages), if from a file.
    pub metadata_path: Option<PathBuf>,
    /// Why the metadata could not be read (DA/T 70 3-1), if it could not.
    pub metadata_problem: Option<String>,
    /// Schema id the record asks for (manifest `schema` or root attribute `方案`), if any.
    pub schema_hint: Option<String>,
    /// Components in 文档序号 order.
    pub components: Vec<Component>,
    /// Declared-but-missing and present-but-undeclared files.
    pub link_problems: Vec<LinkProblem>,
    /// Where the record came from.
    pub origin: Origin,
}

impl Record {
    /// Text of a metadata element by path (`内容描述/题名`), or by name anywhere if the path has no `/`
    /// and the element is not at the top level.
    pub fn meta(&self, path: &str) -> Option<&str> {
        let md = self.metadata.as_ref()?;
        md.text_at(path).or_else(|| {
            if path.contains('/') {
                None
            } else {
                md.find_text(path)
            }
        })
    }

    /// A record for a bare content file (no metadata: metadata items are not applicable).
    pub fn from_file(path: &Path) -> Result<Record> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if !meta.is_file() {
            return Err(Error::invalid(path, "not a regular file"));
        }
        let mut c = Component::from_path(Role::Main, path);
        c.sequence = 1;
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "record".into());
        Ok(Record {
            id,
            metadata: None,
            metadata_path: None,
            metadata_problem: None,
            schema_hint: None,
            components: vec![c],
            link_problems: Vec::new(),
            origin: Origin::File(path.to_path_buf()),
        })
    }
}

/// Builds a [`Record`] in memory: what business systems and the bindings call.
#[derive(Debug, Clone)]
pub struct RecordBuilder {
    record: Record,
}

impl RecordBuilder {
    /// Starts a record with its id (电子文件号).
    pub fn new(id: impl Into<String>) -> Self {
        RecordBuilder {
            record: Record {
                id: id.into(),
                metadata: None,
                metadata_path: None,
                metadata_problem: None,
                schema_hint: None,
                components: Vec::new(),
                link_problems: Vec::new(),
                origin: Origin::Memory,
            },
        }
    }
    /// Sets the whole metadata tree.
    pub fn metadata(mut self, md: Metadata) -> Self {
        self.record.metadata = Some(md);
        self
    }
    /// Sets metadata from JSON (see `schemas/record-manifest.md`).
    pub fn metadata_json(mut self, v: &serde_json::Value) -> Self {
        self.record.metadata = MetaNode::from_json("文件实体", v).into_iter().next();
        self
    }
    /// Sets one metadata element by path (`内容描述/题名`).
    pub fn set(mut self, path: &str, value: impl Into<String>) -> Self {
        self.record
            .metadata
            .get_or_insert_with(|| MetaNode::container("文件实体"))
            .set(path, value);
        self
    }
    /// Asks for a schema by id.
    pub fn schema(mut self, id: impl Into<String>) -> Self {
        self.record.schema_hint = Some(id.into());
        self
    }
    /// Adds a component; its 文档序号 is its position unless set.
    pub fn component(mut self, mut c: Component) -> Self {
        if c.sequence == 0 {
            c.sequence = self.record.components.len() as u32 + 1;
        }
        self.record.components.push(c);
        self
    }
    /// Finishes the record.
    pub fn build(self) -> Record {
        self.record
    }
}
