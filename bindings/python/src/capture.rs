//! Capture and verification from Python: `Capturer` (a context manager over
//! [`guidang::capture::Capturer`]) and its `Receipt`, `verify_package`
//! ([`guidang::package::verify_package`]), `verify_signatures`
//! ([`guidang::authenticity::verify_source`]) and `extract_invoice` ([`guidang::invoice::extract`]).

use crate::convert::{path_arg, value_to_py};
use crate::error::{run_detached, IntoPy};
use crate::record::Record;
use crate::report::Report;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyType;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

fn load_one(path: &std::path::Path) -> guidang::Result<guidang::Record> {
    match guidang::record::load(path)? {
        guidang::record::Input::Record(r) => Ok(*r),
        guidang::record::Input::Batch(_) => Err(guidang::Error::invalid(
            path,
            "this is a batch folder: capture its records one by one",
        )),
    }
}

/// Proof that a record was captured (see [`guidang::capture::Receipt`]).
#[pyclass(module = "guidang._native", frozen, name = "Receipt")]
#[derive(Debug, Clone)]
pub struct Receipt {
    inner: Arc<guidang::capture::Receipt>,
}

#[pymethods]
impl Receipt {
    /// Record id (电子文件号).
    #[getter]
    fn record_id(&self) -> &str {
        &self.inner.record_id
    }
    /// Revision number (1 = first package).
    #[getter]
    fn version(&self) -> u32 {
        self.inner.version
    }
    /// Path of the package in the outbox.
    #[getter]
    fn package_path(&self) -> String {
        self.inner.package_path.display().to_string()
    }
    /// SM3 digest of the package (hex).
    #[getter]
    fn package_sm3(&self) -> &str {
        &self.inner.package_sm3
    }
    /// SM3 content key of the record (metadata + component digests).
    #[getter]
    fn content_key(&self) -> &str {
        &self.inner.content_key
    }
    /// Package format (`zip`, `dir`, `eep`, `bagit`).
    #[getter]
    fn format(&self) -> &str {
        &self.inner.format
    }
    /// The package this one revises, if any.
    #[getter]
    fn revises(&self) -> Option<&str> {
        self.inner.revises.as_deref()
    }
    /// Capture time (RFC 3339).
    #[getter]
    fn created(&self) -> &str {
        &self.inner.created
    }
    /// Position in the outbox journal.
    #[getter]
    fn journal_seq(&self) -> u64 {
        self.inner.journal_seq
    }
    /// The 归档 check report.
    #[getter]
    fn report(&self) -> Report {
        Report::from(self.inner.report.clone())
    }
    /// The receipt as plain Python objects.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = serde_json::to_value(self.inner.as_ref())
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        value_to_py(py, &v)
    }
    fn __repr__(&self) -> String {
        format!(
            "Receipt(record_id={:?}, version={}, package_path={:?})",
            self.inner.record_id,
            self.inner.version,
            self.inner.package_path.display().to_string()
        )
    }
}

/// Captures records into one outbox (即时归档); use it as a context manager so the outbox's
/// owner lock is released on exit. Safe to share between threads.
#[pyclass(module = "guidang._native", frozen, name = "Capturer")]
#[derive(Debug)]
pub struct Capturer {
    inner: Mutex<Option<Arc<guidang::capture::Capturer>>>,
}

impl Capturer {
    fn get(&self) -> PyResult<Arc<guidang::capture::Capturer>> {
        self.inner
            .lock()
            .map_err(|_| PyValueError::new_err("capturer state poisoned"))?
            .clone()
            .ok_or_else(|| PyValueError::new_err("I/O operation on a closed Capturer"))
    }

    fn run(&self, py: Python<'_>, record: &Bound<'_, PyAny>, revision: bool) -> PyResult<Receipt> {
        let cap = self.get()?;
        let rec: Either = if let Ok(r) = record.cast::<Record>() {
            Either::Record(Box::new(r.get().inner.clone()))
        } else {
            Either::Path(path_arg(record)?)
        };
        let receipt = run_detached(py, move || {
            let r = match rec {
                Either::Record(r) => *r,
                Either::Path(p) => load_one(&p)?,
            };
            if revision {
                cap.capture_revision(&r)
            } else {
                cap.capture(&r)
            }
        })
        .py_err(py)?;
        Ok(Receipt {
            inner: Arc::new(receipt),
        })
    }
}

enum Either {
    Record(Box<guidang::Record>),
    Path(PathBuf),
}

#[pymethods]
impl Capturer {
    /// Opens (creating) the outbox. `format`: `zip` (default), `dir`, `eep` or `bagit`; `schema`,
    /// `scheme`, `trust_dir`, `clamd` as for `Checker`; `fsync=False` only for tests.
    #[new]
    #[pyo3(signature = (outbox, *, format = "zip", schema = None, scheme = None, trust_dir = None, clamd = None, fsync = true))]
    fn new(
        py: Python<'_>,
        outbox: &Bound<'_, PyAny>,
        format: &str,
        schema: Option<String>,
        scheme: Option<String>,
        trust_dir: Option<&Bound<'_, PyAny>>,
        clamd: Option<String>,
        fsync: bool,
    ) -> PyResult<Self> {
        let outbox = path_arg(outbox)?;
        let trust_dir = trust_dir.map(path_arg).transpose()?;
        let format = guidang::package::PackageFormat::parse(format).ok_or_else(|| {
            PyValueError::new_err(format!(
                "unknown package format `{format}` (zip, dir, eep, bagit)"
            ))
        })?;
        let cap = run_detached(py, move || {
            let mut cfg = guidang::capture::CaptureConfig::new(outbox);
            cfg.format = format;
            cfg.schema = schema
                .as_deref()
                .map(guidang::Schema::resolve)
                .transpose()?;
            if let Some(s) = &scheme {
                cfg.scheme = guidang::Scheme::resolve(s)?;
            }
            cfg.check.trust_dir = trust_dir;
            cfg.check.clamd = clamd;
            cfg.package.fsync = fsync;
            guidang::capture::Capturer::open(cfg)
        })
        .py_err(py)?;
        Ok(Capturer {
            inner: Mutex::new(Some(Arc::new(cap))),
        })
    }

    /// Checks and captures a record (a `Record`, or a path to a record folder / manifest / file).
    /// The same record again returns the earlier receipt; different content under the same id
    /// raises `ConflictError`; a blocking check failure raises `RefusedError` with the report.
    fn capture(&self, py: Python<'_>, record: &Bound<'_, PyAny>) -> PyResult<Receipt> {
        self.run(py, record, false)
    }

    /// Captures a new version of a record captured before with different content.
    fn capture_revision(&self, py: Python<'_>, record: &Bound<'_, PyAny>) -> PyResult<Receipt> {
        self.run(py, record, true)
    }

    /// The latest receipt of a record id, or `None` if it was never captured.
    fn receipt(&self, py: Python<'_>, record_id: String) -> PyResult<Option<Receipt>> {
        let cap = self.get()?;
        let r = run_detached(py, move || cap.receipt(&record_id)).py_err(py)?;
        Ok(r.map(|r| Receipt { inner: Arc::new(r) }))
    }

    /// The outbox folder.
    #[getter]
    fn outbox(&self) -> PyResult<String> {
        Ok(self.get()?.config().outbox.display().to_string())
    }

    /// Whether `close()` was called (or the `with` block ended).
    #[getter]
    fn closed(&self) -> bool {
        self.inner.lock().map(|g| g.is_none()).unwrap_or(true)
    }

    /// Releases the outbox (its owner lock). Idempotent.
    fn close(&self) {
        if let Ok(mut g) = self.inner.lock() {
            g.take();
        }
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (_exc_type = None, _exc = None, _tb = None))]
    fn __exit__(
        &self,
        _exc_type: Option<&Bound<'_, PyType>>,
        _exc: Option<&Bound<'_, PyAny>>,
        _tb: Option<&Bound<'_, PyAny>>,
    ) -> bool {
        self.close();
        false
    }
}

/// Verifies an archival package (件级 folder or zip, EEP, BagIt) in the transfer (`YJ`, default)
/// or preservation (`BC`) stage; `expected_sm3` is the package digest from the capture receipt.
#[pyfunction]
#[pyo3(signature = (path, *, stage = "YJ", scheme = None, expected_sm3 = None, trust_dir = None))]
pub fn verify_package(
    py: Python<'_>,
    path: &Bound<'_, PyAny>,
    stage: &str,
    scheme: Option<String>,
    expected_sm3: Option<String>,
    trust_dir: Option<&Bound<'_, PyAny>>,
) -> PyResult<Report> {
    let p = path_arg(path)?;
    let trust_dir = trust_dir.map(path_arg).transpose()?;
    let stage = guidang::Stage::parse(stage)
        .ok_or_else(|| PyValueError::new_err(format!("unknown stage `{stage}` (YJ or BC)")))?;
    run_detached(py, move || {
        let mut opts = guidang::package::VerifyOptions {
            stage,
            expected_sm3,
            ..Default::default()
        };
        opts.scheme = scheme
            .as_deref()
            .map(guidang::Scheme::resolve)
            .transpose()?;
        opts.check.trust_dir = trust_dir;
        guidang::package::verify_package(&p, &opts)
    })
    .py_err(py)
    .map(Report::from)
}

/// Verifies the signatures and e-seals of one document (OFD, PDF or 数电票 XML) and returns the
/// verification as plain data (`format`, `signatures`, `notes`). Without `trust_dir`, trust in
/// the signers is indeterminate.
#[pyfunction]
#[pyo3(signature = (path, *, trust_dir = None, signer_certs = Vec::new()))]
pub fn verify_signatures<'py>(
    py: Python<'py>,
    path: &Bound<'_, PyAny>,
    trust_dir: Option<&Bound<'_, PyAny>>,
    signer_certs: Vec<Bound<'_, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let p = path_arg(path)?;
    let opts = guidang::CheckOptions {
        trust_dir: trust_dir.map(path_arg).transpose()?,
        signer_certs: signer_certs
            .iter()
            .map(path_arg)
            .collect::<PyResult<Vec<PathBuf>>>()?,
        ..Default::default()
    };
    let v = run_detached(py, move || {
        let trust = guidang::authenticity::Trust::from_options(&opts)?;
        let ver = guidang::authenticity::verify_source(&guidang::record::Source::Path(p), &trust)?;
        serde_json::to_value(&ver).map_err(|e| guidang::Error::Crypto(e.to_string()))
    })
    .py_err(py)?;
    value_to_py(py, &v)
}

/// Extracts an e-invoice (OFD, 数电票 XML or PDF) as plain data: number, date, parties,
/// amounts, items, and the provenance of every field.
#[pyfunction]
pub fn extract_invoice<'py>(
    py: Python<'py>,
    path: &Bound<'_, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let p = path_arg(path)?;
    let v = run_detached(py, move || {
        let inv = guidang::invoice::extract(&p)?;
        serde_json::to_value(&inv).map_err(|e| guidang::Error::invalid(&p, e.to_string()))
    })
    .py_err(py)?;
    value_to_py(py, &v)
}
