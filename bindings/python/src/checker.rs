//! `Checker` (a configured [`guidang::Checker`]), the module-level `check` / `check_record`
//! shortcuts, and the catalogue/schema/scheme listings.

use crate::convert::path_arg;
use crate::error::{run_detached, IntoPy};
use crate::record::Record;
use crate::report::Report;
use pyo3::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

fn load_one(path: &std::path::Path) -> guidang::Result<guidang::Record> {
    match guidang::record::load(path)? {
        guidang::record::Input::Record(r) => Ok(*r),
        guidang::record::Input::Batch(_) => Err(guidang::Error::invalid(
            path,
            "this is a batch folder: check it with Checker.check_batch",
        )),
    }
}

/// Runs checks with one schema, scheme and options (see [`guidang::Checker`]). Immutable and
/// safe to share between threads; every call releases the GIL.
#[pyclass(module = "guidang._native", frozen, name = "Checker")]
#[derive(Debug, Clone)]
pub struct Checker {
    inner: Arc<guidang::Checker>,
}

#[pymethods]
impl Checker {
    /// `schema`: a built-in schema id (`dat46-wenshu`, `kuaiji`) or a schema file; default: the
    /// record's own, else `dat46-wenshu`. `scheme`: a built-in 检测方案 id (`gd-default`,
    /// `yj-default`, `bc-default`) or a scheme TOML file; default `gd-default`. `trust_dir`: folder of trusted root
    /// certificates. `clamd`: `unix:/path/clamd.sock` or `tcp:host:port`. `signer_certs`:
    /// certificates for bare signatures. `now`: RFC 3339 date used as "today".
    #[new]
    #[pyo3(signature = (*, schema = None, scheme = None, trust_dir = None, clamd = None, signer_certs = Vec::new(), now = None))]
    fn new(
        py: Python<'_>,
        schema: Option<&Bound<'_, PyAny>>,
        scheme: Option<&Bound<'_, PyAny>>,
        trust_dir: Option<&Bound<'_, PyAny>>,
        clamd: Option<String>,
        signer_certs: Vec<Bound<'_, PyAny>>,
        now: Option<String>,
    ) -> PyResult<Self> {
        let schema = schema.map(path_arg).transpose()?;
        let scheme = match scheme {
            Some(s) => path_arg(s)?,
            None => PathBuf::from("gd-default"),
        };
        let options = guidang::CheckOptions {
            trust_dir: trust_dir.map(path_arg).transpose()?,
            signer_certs: signer_certs
                .iter()
                .map(path_arg)
                .collect::<PyResult<Vec<PathBuf>>>()?,
            clamd,
            now,
            ..Default::default()
        };
        let checker = run_detached(py, move || {
            let schema = schema
                .map(|s| guidang::Schema::resolve(&s.to_string_lossy()))
                .transpose()?;
            let scheme = guidang::Scheme::resolve(&scheme.to_string_lossy())?;
            Ok(guidang::Checker::new(schema, scheme, options))
        })
        .py_err(py)?;
        Ok(Checker {
            inner: Arc::new(checker),
        })
    }

    /// The 检测方案 id in use.
    #[getter]
    fn scheme(&self) -> String {
        self.inner.scheme().id.clone()
    }

    /// Checks one record at `path` (record folder, JSON manifest or content file).
    fn check(&self, py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<Report> {
        let p = path_arg(path)?;
        let c = self.inner.clone();
        run_detached(py, move || c.check(&load_one(&p)?))
            .py_err(py)
            .map(Report::from)
    }

    /// Checks a record built in memory.
    fn check_record(&self, py: Python<'_>, record: &Record) -> PyResult<Report> {
        let c = self.inner.clone();
        let r = record.inner.clone();
        run_detached(py, move || c.check(&r))
            .py_err(py)
            .map(Report::from)
    }

    /// Checks a batch folder: returns the per-record reports and the batch report.
    fn check_batch(
        &self,
        py: Python<'_>,
        path: &Bound<'_, PyAny>,
    ) -> PyResult<(Vec<Report>, Report)> {
        let p = path_arg(path)?;
        let c = self.inner.clone();
        let (records, batch) = run_detached(py, move || match guidang::record::load(&p)? {
            guidang::record::Input::Batch(b) => c.check_batch(&b),
            guidang::record::Input::Record(_) => Err(guidang::Error::invalid(
                &p,
                "this is a single record, not a batch folder: use Checker.check",
            )),
        })
        .py_err(py)?;
        Ok((
            records.into_iter().map(Report::from).collect(),
            Report::from(batch),
        ))
    }

    fn __repr__(&self) -> String {
        format!("Checker(scheme={:?})", self.inner.scheme().id)
    }
}

/// Checks one record at `path` with the default archiving checker (gd-default scheme).
#[pyfunction]
pub fn check(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<Report> {
    let p = path_arg(path)?;
    run_detached(py, move || guidang::check_path(&p))
        .py_err(py)
        .map(Report::from)
}

/// Checks a record built in memory with the default archiving checker.
#[pyfunction]
pub fn check_record(py: Python<'_>, record: &Record) -> PyResult<Report> {
    let r = record.inner.clone();
    run_detached(py, move || guidang::Checker::archiving().check(&r))
        .py_err(py)
        .map(Report::from)
}

/// One DA/T 70-2018 catalogue item in one stage (see [`guidang::catalogue::Item`]).
#[pyclass(module = "guidang._native", frozen, get_all, name = "CatalogueItem")]
#[derive(Debug, Clone)]
pub struct CatalogueItem {
    /// Full code, e.g. `GD-1-1`.
    code: String,
    /// Code without the stage, e.g. `1-1`.
    seq: String,
    /// `GD`, `YJ` or `BC`.
    stage: String,
    /// `authenticity`, `integrity`, `usability` or `security`.
    property: String,
    /// Chinese name.
    name_zh: String,
    /// English name.
    name_en: String,
    /// Standard clause.
    clause: String,
    /// `yes`, `partial` or `no`.
    automatable: String,
}

#[pymethods]
impl CatalogueItem {
    fn __repr__(&self) -> String {
        format!(
            "CatalogueItem(code={:?}, name_zh={:?})",
            self.code, self.name_zh
        )
    }
}

/// All DA/T 70 catalogue items of all stages, in catalogue order.
#[pyfunction]
pub fn catalogue(py: Python<'_>) -> PyResult<Vec<CatalogueItem>> {
    run_detached(py, || {
        Ok(guidang::Catalogue::builtin()
            .items()
            .iter()
            .map(|i| CatalogueItem {
                code: i.code.clone(),
                seq: i.seq.clone(),
                stage: i.stage.prefix().to_string(),
                property: i.property.as_str().to_string(),
                name_zh: i.name_zh.clone(),
                name_en: i.name_en.clone(),
                clause: i.clause.clone(),
                automatable: match i.automatable {
                    guidang::catalogue::Automatable::Yes => "yes",
                    guidang::catalogue::Automatable::Partial => "partial",
                    guidang::catalogue::Automatable::No => "no",
                }
                .to_string(),
            })
            .collect())
    })
    .py_err(py)
}

/// Ids of the built-in metadata schemas.
#[pyfunction]
pub fn schemas() -> Vec<&'static str> {
    guidang::Schema::builtin_ids().to_vec()
}

/// Ids of the built-in 检测方案 (schemes).
#[pyfunction]
pub fn schemes() -> Vec<&'static str> {
    guidang::catalogue::BUILTIN_SCHEMES
        .iter()
        .map(|(id, _)| *id)
        .collect()
}
