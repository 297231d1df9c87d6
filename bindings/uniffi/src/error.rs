//! The one error type of the uniffi binding: [`guidang::Error`] (and caught panics) mapped to
//! `GuidangError` (Kotlin `GuidangException`, Python `GuidangError`), one variant per case a
//! caller acts on; every variant carries the stable `code` and the `message`.

/// Why guidang could not do what was asked. Findings are never errors: they are in the report.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum GuidangError {
    /// An input is missing, unreadable or not what it claims to be (`io`, `invalid_input`).
    #[error("{message}")]
    Input { code: String, message: String },
    /// A schema, scheme or catalogue file is invalid (`schema`).
    #[error("{message}")]
    Schema { code: String, message: String },
    /// Bad configuration (`config`).
    #[error("{message}")]
    Config { code: String, message: String },
    /// A resource limit was exceeded while reading an input (`limit`).
    #[error("{message}")]
    Limit { code: String, message: String },
    /// The record id was captured before with different content (`conflict`).
    #[error("{message}")]
    Conflict { code: String, message: String },
    /// The record or invoice was captured before (`duplicate`).
    #[error("{message}")]
    Duplicate { code: String, message: String },
    /// Capture refused because a blocking check failed (`refused`); `report_json` says which.
    #[error("{message}")]
    Refused {
        code: String,
        message: String,
        report_json: String,
    },
    /// A cryptographic or encoding operation failed (`crypto`).
    #[error("{message}")]
    Crypto { code: String, message: String },
    /// A defect inside guidang (a caught panic), or an error variant not mapped yet (`internal`).
    #[error("{message}")]
    Internal { code: String, message: String },
}

impl From<guidang::Error> for GuidangError {
    fn from(e: guidang::Error) -> Self {
        use guidang::Error as E;
        let code = e.code().to_string();
        let message = e.to_string();
        match e {
            E::Io { .. } | E::InvalidInput { .. } => GuidangError::Input { code, message },
            E::Schema { .. } => GuidangError::Schema { code, message },
            E::Config(_) => GuidangError::Config { code, message },
            E::Limit { .. } => GuidangError::Limit { code, message },
            E::Conflict { .. } => GuidangError::Conflict { code, message },
            E::Duplicate { .. } => GuidangError::Duplicate { code, message },
            E::Refused { report, .. } => GuidangError::Refused {
                code,
                message,
                report_json: report.to_json(),
            },
            E::Crypto(_) => GuidangError::Crypto { code, message },
            // `guidang::Error` is non-exhaustive; the test below fails when a variant lands here.
            _ => GuidangError::Internal { code, message },
        }
    }
}

impl GuidangError {
    /// The stable code.
    pub fn code(&self) -> &str {
        match self {
            GuidangError::Input { code, .. }
            | GuidangError::Schema { code, .. }
            | GuidangError::Config { code, .. }
            | GuidangError::Limit { code, .. }
            | GuidangError::Conflict { code, .. }
            | GuidangError::Duplicate { code, .. }
            | GuidangError::Refused { code, .. }
            | GuidangError::Crypto { code, .. }
            | GuidangError::Internal { code, .. } => code,
        }
    }
}

/// Runs `f`, turning a core error into [`GuidangError`] and a panic into `Internal`, so a defect
/// in guidang reaches the JVM as a typed exception rather than an unexpected-error crash.
pub fn guard<T>(f: impl FnOnce() -> guidang::Result<T>) -> Result<T, GuidangError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(GuidangError::from),
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic payload".into());
            Err(GuidangError::Internal {
                code: "internal".into(),
                message: format!("internal error in guidang (please report it): {msg}"),
            })
        }
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

    fn variant(e: &GuidangError) -> &'static str {
        match e {
            GuidangError::Input { .. } => "Input",
            GuidangError::Schema { .. } => "Schema",
            GuidangError::Config { .. } => "Config",
            GuidangError::Limit { .. } => "Limit",
            GuidangError::Conflict { .. } => "Conflict",
            GuidangError::Duplicate { .. } => "Duplicate",
            GuidangError::Refused { .. } => "Refused",
            GuidangError::Crypto { .. } => "Crypto",
            GuidangError::Internal { .. } => "Internal",
        }
    }

    #[test]
    fn every_core_error_maps_to_its_variant() {
        use guidang::Error as E;
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let cases: Vec<(E, &str, &str)> = vec![
            (E::io("a.pdf", io), "Input", "io"),
            (E::invalid("m.json", "bad"), "Input", "invalid_input"),
            (
                E::Schema {
                    path: PathBuf::from("s.toml"),
                    line: Some(3),
                    reason: "x".into(),
                },
                "Schema",
                "schema",
            ),
            (E::Config("unknown".into()), "Config", "config"),
            (
                E::Limit {
                    path: PathBuf::from("z"),
                    limit: "entries".into(),
                },
                "Limit",
                "limit",
            ),
            (
                E::Conflict {
                    id: "r".into(),
                    detail: "d".into(),
                },
                "Conflict",
                "conflict",
            ),
            (
                E::Duplicate {
                    what: "r".into(),
                    earlier: "e".into(),
                },
                "Duplicate",
                "duplicate",
            ),
            (
                E::Refused {
                    id: "r".into(),
                    codes: "GD-1-1".into(),
                    report: Box::new(report()),
                },
                "Refused",
                "refused",
            ),
            (E::Crypto("k".into()), "Crypto", "crypto"),
        ];
        for (core, want, code) in cases {
            let text = core.to_string();
            let e = GuidangError::from(core);
            assert_eq!(variant(&e), want, "{text}");
            assert_eq!(e.code(), code);
            assert_eq!(e.to_string(), text);
            if let GuidangError::Refused { report_json, .. } = &e {
                assert!(
                    report_json.contains("\"verdict\":\"fail\""),
                    "{report_json}"
                );
            }
        }
    }

    #[test]
    fn panics_become_internal() {
        let r: Result<(), _> = guard(|| panic!("boom"));
        match r {
            Err(GuidangError::Internal { code, message }) => {
                assert_eq!(code, "internal");
                assert!(message.contains("boom"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}
