//! Building records from Python: [`Component`] (bytes or a path, with declared attributes) and
//! [`Record`] (id + DA/T 46 metadata as a dict + components), wrapping
//! [`guidang::RecordBuilder`] and [`guidang::record::Component`].

use crate::convert::{path_arg, py_to_value};
use crate::error::{run_detached, IntoPy};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::collections::BTreeMap;

/// Declared attributes a caller may give, by their DA/T 46 names.
const DECLARED_KEYS: &[&str] = &["格式信息", "计算机文件名", "计算机文件大小", "文档创建程序"];

fn declared_from(
    declared: Option<&Bound<'_, PyDict>>,
    digests: Option<BTreeMap<String, String>>,
) -> PyResult<guidang::record::Declared> {
    let mut d = guidang::record::Declared::default();
    if let Some(map) = declared {
        for (k, v) in map.iter() {
            let key: String = k.extract()?;
            let value: String = v.str()?.extract()?;
            match key.as_str() {
                "格式信息" => d.format = Some(value),
                "计算机文件名" => d.file_name = Some(value),
                "计算机文件大小" => d.size = Some(value),
                "文档创建程序" => d.creating_application = Some(value),
                other => {
                    return Err(PyValueError::new_err(format!(
                        "unknown declared attribute `{other}` (known: {})",
                        DECLARED_KEYS.join(", ")
                    )))
                }
            }
        }
    }
    d.digests = digests.unwrap_or_default().into_iter().collect();
    Ok(d)
}

/// One component (正文, 附件 …) of a record, from bytes in memory or a file on disk
/// (see [`guidang::record::Component`]).
#[pyclass(module = "guidang._native", frozen, name = "Component")]
#[derive(Debug, Clone)]
pub struct Component {
    pub(crate) inner: guidang::record::Component,
}

#[pymethods]
impl Component {
    /// A component held in memory. `role` is a Chinese or English role name (正文, 附件, 处理单,
    /// 原始凭证, 记账凭证, main, attachment…); `declared` holds DA/T 46 electronic attributes
    /// (格式信息, 计算机文件名, 计算机文件大小, 文档创建程序); `digests` maps algorithm → hex.
    #[staticmethod]
    #[pyo3(signature = (data, name, *, role = "正文", title = None, declared = None, digests = None))]
    fn from_bytes(
        data: Vec<u8>,
        name: String,
        role: &str,
        title: Option<String>,
        declared: Option<&Bound<'_, PyDict>>,
        digests: Option<BTreeMap<String, String>>,
    ) -> PyResult<Self> {
        let mut c = guidang::record::Component::from_bytes(guidang::Role::parse(role), name, data);
        c.title = title;
        c.declared = declared_from(declared, digests)?;
        Ok(Component { inner: c })
    }

    /// A component read from a file (`str`, `bytes` or `os.PathLike`); the name defaults to the
    /// file name. The file is read when the record is checked, never modified.
    #[staticmethod]
    #[pyo3(signature = (path, *, role = "正文", name = None, title = None, declared = None, digests = None))]
    fn from_path(
        path: &Bound<'_, PyAny>,
        role: &str,
        name: Option<String>,
        title: Option<String>,
        declared: Option<&Bound<'_, PyDict>>,
        digests: Option<BTreeMap<String, String>>,
    ) -> PyResult<Self> {
        let mut c =
            guidang::record::Component::from_path(guidang::Role::parse(role), path_arg(path)?);
        if let Some(n) = name {
            c.name = n;
        }
        c.title = title;
        c.declared = declared_from(declared, digests)?;
        Ok(Component { inner: c })
    }

    /// Role name in Chinese (正文, 附件 …).
    #[getter]
    fn role(&self) -> &str {
        self.inner.role.zh()
    }
    /// Name the file is archived under.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }
    /// Size in bytes (reads file metadata for a path component).
    #[getter]
    fn size(&self, py: Python<'_>) -> PyResult<u64> {
        let src = self.inner.source.clone();
        run_detached(py, move || src.size()).py_err(py)
    }
    fn __repr__(&self) -> String {
        format!(
            "Component(role={:?}, name={:?})",
            self.inner.role.zh(),
            self.inner.name
        )
    }
}

/// A record (件): id, DA/T 46 metadata and components (see [`guidang::Record`]).
#[pyclass(module = "guidang._native", frozen, name = "Record")]
#[derive(Debug, Clone)]
pub struct Record {
    pub(crate) inner: guidang::Record,
}

#[pymethods]
impl Record {
    /// Builds a record in memory. `metadata` is a dict of DA/T 46 elements by Chinese name
    /// (nested dicts for containers, lists for repeated elements), e.g.
    /// `{"题名": "关于…的通知", "日期": "2026-03-01", "档号": {"全宗号": "Z001"}}`.
    /// `schema` asks for a metadata schema by id (default: `dat46-wenshu`).
    #[new]
    #[pyo3(signature = (id, *, metadata = None, components = Vec::new(), schema = None))]
    fn new(
        id: String,
        metadata: Option<&Bound<'_, PyAny>>,
        components: Vec<PyRef<'_, Component>>,
        schema: Option<String>,
    ) -> PyResult<Self> {
        let mut b = guidang::RecordBuilder::new(id);
        if let Some(md) = metadata {
            let v = py_to_value(md)?;
            if !v.is_object() {
                return Err(PyValueError::new_err(
                    "metadata must be a dict of DA/T 46 elements",
                ));
            }
            b = b.metadata_json(&v);
        }
        if let Some(s) = schema {
            b = b.schema(s);
        }
        for c in components {
            b = b.component(c.inner.clone());
        }
        Ok(Record { inner: b.build() })
    }

    /// Loads a record from a record folder (metadata XML + files), a JSON record manifest or a
    /// bare content file. A batch folder raises `InputError`.
    #[staticmethod]
    fn load(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<Self> {
        let p = path_arg(path)?;
        let input = run_detached(py, move || guidang::record::load(&p)).py_err(py)?;
        match input {
            guidang::record::Input::Record(r) => Ok(Record { inner: *r }),
            guidang::record::Input::Batch(b) => {
                Err(crate::error::BindingError::Core(guidang::Error::invalid(
                    b.path,
                    "this is a batch folder: check it with Checker.check_batch",
                ))
                .into_pyerr(py))
            }
        }
    }

    /// Record id (电子文件号).
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    /// The components, in 文档序号 order.
    #[getter]
    fn components(&self) -> Vec<Component> {
        self.inner
            .components
            .iter()
            .map(|c| Component { inner: c.clone() })
            .collect()
    }
    /// Text of a metadata element by path (`内容描述/题名`) or name, if present.
    fn meta(&self, path: &str) -> Option<String> {
        self.inner.meta(path).map(str::to_string)
    }
    fn __repr__(&self) -> String {
        format!(
            "Record(id={:?}, components={})",
            self.inner.id,
            self.inner.components.len()
        )
    }
}
