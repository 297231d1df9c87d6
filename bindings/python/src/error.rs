//! Mapping of [`guidang::Error`] (and panics) to the Python exception hierarchy defined in
//! `guidang/errors.py`: `GuidangError` and one subclass per case a caller acts on.

use crate::report::Report;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The Python exception class an error becomes (names as in `guidang.errors`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// `InputError`: an input is missing, unreadable or not what it claims to be.
    Input,
    /// `SchemaError`: a schema / scheme / catalogue file is invalid.
    Schema,
    /// `ConfigError`: bad configuration.
    Config,
    /// `LimitError` (a subclass of `InputError`): a resource limit was exceeded.
    Limit,
    /// `ConflictError`.
    Conflict,
    /// `DuplicateError`.
    Duplicate,
    /// `RefusedError` (carries the report).
    Refused,
    /// `CryptoError`.
    Crypto,
    /// `InternalError`: a panic inside guidang, or an error variant this binding does not know yet.
    Internal,
}

impl ErrorClass {
    /// Class name in `guidang.errors`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorClass::Input => "InputError",
            ErrorClass::Schema => "SchemaError",
            ErrorClass::Config => "ConfigError",
            ErrorClass::Limit => "LimitError",
            ErrorClass::Conflict => "ConflictError",
            ErrorClass::Duplicate => "DuplicateError",
            ErrorClass::Refused => "RefusedError",
            ErrorClass::Crypto => "CryptoError",
            ErrorClass::Internal => "InternalError",
        }
    }
}

/// Which class a core error becomes.
pub fn class_of(e: &guidang::Error) -> ErrorClass {
    use guidang::Error as E;
    match e {
        E::Io { .. } | E::InvalidInput { .. } => ErrorClass::Input,
        E::Schema { .. } => ErrorClass::Schema,
        E::Config(_) => ErrorClass::Config,
        E::Limit { .. } => ErrorClass::Limit,
        E::Conflict { .. } => ErrorClass::Conflict,
        E::Duplicate { .. } => ErrorClass::Duplicate,
        E::Refused { .. } => ErrorClass::Refused,
        E::Crypto(_) => ErrorClass::Crypto,
        // `guidang::Error` is non-exhaustive: a new variant is reported as internal until mapped
        // (the unit test below lists every variant, so adding one fails it).
        _ => ErrorClass::Internal,
    }
}

/// The file an error names, if any.
fn path_of(e: &guidang::Error) -> Option<String> {
    use guidang::Error as E;
    match e {
        E::Io { path, .. }
        | E::InvalidInput { path, .. }
        | E::Schema { path, .. }
        | E::Limit { path, .. } => Some(path.display().to_string()),
        _ => None,
    }
}

/// A failure at the boundary: a core error, or a panic caught before it could cross into Python.
#[derive(Debug)]
pub enum BindingError {
    /// The core returned an error.
    Core(guidang::Error),
    /// The core panicked (a defect); the payload's message.
    Panic(String),
}

impl From<guidang::Error> for BindingError {
    fn from(e: guidang::Error) -> Self {
        BindingError::Core(e)
    }
}

/// Result of a call into the core.
pub type CoreResult<T> = Result<T, BindingError>;

/// Runs `f` with the GIL released and any panic caught, so that neither blocks other Python
/// threads nor unwinds into the interpreter.
pub fn run_detached<T, F>(py: Python<'_>, f: F) -> CoreResult<T>
where
    F: FnOnce() -> guidang::Result<T> + Send,
    T: Send,
{
    py.detach(
        || match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
            Ok(r) => r.map_err(BindingError::Core),
            Err(payload) => Err(BindingError::Panic(panic_message(payload.as_ref()))),
        },
    )
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    }
}

fn raise(py: Python<'_>, class: ErrorClass, message: String, kwargs: &Bound<'_, PyDict>) -> PyErr {
    let built = py
        .import("guidang.errors")
        .and_then(|m| m.getattr(class.name()))
        .and_then(|cls| cls.call((message,), Some(kwargs)));
    match built {
        Ok(exc) => PyErr::from_value(exc),
        // The errors module itself is broken: still raise something the caller can see.
        Err(e) => e,
    }
}

impl BindingError {
    /// Converts to the Python exception (needs the GIL).
    pub fn into_pyerr(self, py: Python<'_>) -> PyErr {
        let kwargs = PyDict::new(py);
        match self {
            BindingError::Panic(msg) => {
                let _ = kwargs.set_item("code", "internal");
                raise(
                    py,
                    ErrorClass::Internal,
                    format!("internal error in guidang (please report it): {msg}"),
                    &kwargs,
                )
            }
            BindingError::Core(e) => {
                let class = class_of(&e);
                let _ = kwargs.set_item("code", e.code());
                let _ = kwargs.set_item("path", path_of(&e));
                if let guidang::Error::Schema { line, .. } = &e {
                    let _ = kwargs.set_item("line", *line);
                }
                let message = e.to_string();
                if let guidang::Error::Refused { report, .. } = e {
                    match Py::new(py, Report::from(*report)) {
                        Ok(r) => {
                            let _ = kwargs.set_item("report", r);
                        }
                        Err(err) => return err,
                    }
                }
                raise(py, class, message, &kwargs)
            }
        }
    }
}

/// Extension to turn a [`CoreResult`] into a [`PyResult`].
pub trait IntoPy<T> {
    /// Converts the error side into a Python exception.
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPy<T> for CoreResult<T> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| e.into_pyerr(py))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn report() -> guidang::Report {
        serde_json::from_value(serde_json::json!({
            "kind": "record", "id": "r", "source": "memory:", "stage": "GD", "verdict": "fail",
            "schema": "none", "scheme": "gd-default",
            "tool": {"name": "guidang", "version": "0"}, "created": "2026-01-01T00:00:00Z",
            "inputs": [], "timings_ms": {}, "summary": {"pass":0,"fail":0,"warn":0,"manual":0,"not_applicable":0},
            "findings": []
        }))
        .expect("report json")
    }

    /// Every core error variant, with the class it must become and its stable code. Adding a
    /// variant to `guidang::Error` without extending this list leaves it `Internal`, which fails here.
    #[test]
    fn every_core_error_maps_to_its_class() {
        use guidang::Error as E;
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let cases: Vec<(E, ErrorClass, &str)> = vec![
            (E::io("a.pdf", io), ErrorClass::Input, "io"),
            (
                E::invalid("m.json", "bad"),
                ErrorClass::Input,
                "invalid_input",
            ),
            (
                E::Schema {
                    path: PathBuf::from("s.toml"),
                    line: Some(3),
                    reason: "x".into(),
                },
                ErrorClass::Schema,
                "schema",
            ),
            (
                E::Config("unknown scheme".into()),
                ErrorClass::Config,
                "config",
            ),
            (
                E::Limit {
                    path: PathBuf::from("z.ofd"),
                    limit: "entries".into(),
                },
                ErrorClass::Limit,
                "limit",
            ),
            (
                E::Conflict {
                    id: "r1".into(),
                    detail: "content differs".into(),
                },
                ErrorClass::Conflict,
                "conflict",
            ),
            (
                E::Duplicate {
                    what: "r1".into(),
                    earlier: "2026-01-01".into(),
                },
                ErrorClass::Duplicate,
                "duplicate",
            ),
            (
                E::Refused {
                    id: "r1".into(),
                    codes: "GD-1-1".into(),
                    report: Box::new(report()),
                },
                ErrorClass::Refused,
                "refused",
            ),
            (E::Crypto("bad key".into()), ErrorClass::Crypto, "crypto"),
        ];
        for (err, class, code) in &cases {
            assert_eq!(class_of(err), *class, "{err}");
            assert_eq!(err.code(), *code);
            assert_ne!(class_of(err), ErrorClass::Internal, "{err} is not mapped");
        }
        // Every class except Internal is reached by some variant.
        for class in [
            ErrorClass::Input,
            ErrorClass::Schema,
            ErrorClass::Config,
            ErrorClass::Limit,
            ErrorClass::Conflict,
            ErrorClass::Duplicate,
            ErrorClass::Refused,
            ErrorClass::Crypto,
        ] {
            assert!(
                cases.iter().any(|(_, c, _)| *c == class),
                "{class:?} unused"
            );
        }
    }

    #[test]
    fn paths_are_carried_for_file_errors() {
        assert_eq!(
            path_of(&guidang::Error::invalid("m.json", "bad")).as_deref(),
            Some("m.json")
        );
        assert_eq!(path_of(&guidang::Error::Config("x".into())), None);
    }

    #[test]
    fn class_names_match_errors_module() {
        let src = include_str!("../python/guidang/errors.py");
        for class in [
            ErrorClass::Input,
            ErrorClass::Schema,
            ErrorClass::Config,
            ErrorClass::Limit,
            ErrorClass::Conflict,
            ErrorClass::Duplicate,
            ErrorClass::Refused,
            ErrorClass::Crypto,
            ErrorClass::Internal,
        ] {
            assert!(
                src.contains(&format!("class {}(", class.name())),
                "{} missing from errors.py",
                class.name()
            );
        }
    }
}
