//! Python views of [`guidang::report::Report`] and [`guidang::report::Finding`]: read-only
//! objects with snake_case attributes, `to_dict()` and `to_json()`.

use crate::convert::{map_to_py, value_to_py};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::sync::Arc;

/// One finding of one check item (see [`guidang::report::Finding`]). Findings are data.
#[pyclass(module = "guidang._native", frozen, name = "Finding")]
#[derive(Debug, Clone)]
pub struct Finding {
    inner: guidang::Finding,
}

#[pymethods]
impl Finding {
    /// Catalogue item code, e.g. `GD-1-1`.
    #[getter]
    fn code(&self) -> &str {
        &self.inner.code
    }
    /// Stable fine-grained rule id, e.g. `metadata.required`.
    #[getter]
    fn rule(&self) -> &str {
        &self.inner.rule
    }
    /// `pass`, `fail`, `warn`, `manual` or `not_applicable`.
    #[getter]
    fn outcome(&self) -> &'static str {
        self.inner.outcome.as_str()
    }
    /// `authenticity`, `integrity`, `usability` or `security`.
    #[getter]
    fn property(&self) -> &'static str {
        self.inner.property.as_str()
    }
    /// `GD`, `YJ` or `BC`.
    #[getter]
    fn stage(&self) -> &'static str {
        self.inner.stage.prefix()
    }
    /// Whether a failure of this item blocks archiving under the scheme.
    #[getter]
    fn blocking(&self) -> bool {
        self.inner.blocking
    }
    /// The standard clause the item comes from.
    #[getter]
    fn clause(&self) -> &str {
        &self.inner.clause
    }
    /// What was checked (record id, component name, metadata path…).
    #[getter]
    fn subject(&self) -> &str {
        &self.inner.subject
    }
    /// Chinese message.
    #[getter]
    fn message_zh(&self) -> &str {
        &self.inner.message_zh
    }
    /// English message.
    #[getter]
    fn message_en(&self) -> &str {
        &self.inner.message_en
    }
    /// Structured evidence (a new dict on each access).
    #[getter]
    fn evidence<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        map_to_py(py, &self.inner.evidence)
    }
    /// The finding as plain Python objects (the JSON form).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v =
            serde_json::to_value(&self.inner).map_err(|e| PyValueError::new_err(e.to_string()))?;
        value_to_py(py, &v)
    }
    fn __repr__(&self) -> String {
        format!(
            "Finding(code={:?}, rule={:?}, outcome={:?}, subject={:?})",
            self.inner.code,
            self.inner.rule,
            self.inner.outcome.as_str(),
            self.inner.subject
        )
    }
}

/// The result of checking one record or batch (see [`guidang::report::Report`]).
#[pyclass(module = "guidang._native", frozen, name = "Report")]
#[derive(Debug, Clone)]
pub struct Report {
    inner: Arc<guidang::Report>,
}

impl From<guidang::Report> for Report {
    fn from(r: guidang::Report) -> Self {
        Report { inner: Arc::new(r) }
    }
}

impl Report {
    /// The core report.
    pub fn core(&self) -> &guidang::Report {
        &self.inner
    }
}

#[pymethods]
impl Report {
    /// `pass`, `warn` or `fail`.
    #[getter]
    fn verdict(&self) -> &'static str {
        self.inner.verdict.as_str()
    }
    /// `record` or `batch`.
    #[getter]
    fn kind(&self) -> &'static str {
        match self.inner.kind {
            guidang::report::ReportKind::Record => "record",
            guidang::report::ReportKind::Batch => "batch",
        }
    }
    /// Record id (电子文件号), or the batch path.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    /// Where the record came from.
    #[getter]
    fn source(&self) -> &str {
        &self.inner.source
    }
    /// `GD`, `YJ` or `BC`.
    #[getter]
    fn stage(&self) -> &'static str {
        self.inner.stage.prefix()
    }
    /// Schema id used for metadata (or `none`).
    #[getter]
    fn schema(&self) -> &str {
        &self.inner.schema
    }
    /// 检测方案 id used.
    #[getter]
    fn scheme(&self) -> &str {
        &self.inner.scheme
    }
    /// When the report was made (RFC 3339, UTC).
    #[getter]
    fn created(&self) -> &str {
        &self.inner.created
    }
    /// All findings, in catalogue order (a new list on each access).
    #[getter]
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for f in &self.inner.findings {
            list.append(Finding { inner: f.clone() })?;
        }
        Ok(list)
    }
    /// Findings per outcome: `{"pass": n, "fail": n, "warn": n, "manual": n, "not_applicable": n}`.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = &self.inner.summary;
        let d = PyDict::new(py);
        d.set_item("pass", s.pass)?;
        d.set_item("fail", s.fail)?;
        d.set_item("warn", s.warn)?;
        d.set_item("manual", s.manual)?;
        d.set_item("not_applicable", s.not_applicable)?;
        Ok(d)
    }
    /// Sorted, de-duplicated codes of the failed findings.
    fn failed_codes(&self) -> Vec<String> {
        let mut codes: Vec<String> = self.inner.failed().map(|f| f.code.clone()).collect();
        codes.sort();
        codes.dedup();
        codes
    }
    /// The report as plain Python objects (the canonical JSON form).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = serde_json::to_value(self.inner.as_ref())
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        value_to_py(py, &v)
    }
    /// The canonical JSON form; `indent=True` pretty-prints.
    #[pyo3(signature = (indent = false))]
    fn to_json(&self, indent: bool) -> String {
        if indent {
            self.inner.to_json_pretty()
        } else {
            self.inner.to_json()
        }
    }
    /// A text rendering for people, `lang` = `zh` (default) or `en`.
    #[pyo3(signature = (lang = "zh"))]
    fn render(&self, lang: &str) -> PyResult<String> {
        let l = guidang::report::Lang::parse(lang)
            .ok_or_else(|| PyValueError::new_err(format!("unknown language `{lang}`")))?;
        Ok(guidang::report::render_text(&self.inner, l))
    }
    fn __repr__(&self) -> String {
        format!(
            "Report(id={:?}, verdict={:?}, findings={})",
            self.inner.id,
            self.inner.verdict.as_str(),
            self.inner.findings.len()
        )
    }
}
