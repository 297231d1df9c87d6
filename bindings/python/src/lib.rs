//! Python binding of guidang (module `guidang._native`, re-exported by the `guidang` package).
//! Thin: every function converts its arguments, calls the core with the GIL released and panics
//! caught, and converts the result or error (`error.rs` maps errors to `guidang.errors`).

mod capture;
mod checker;
mod convert;
mod error;
mod record;
mod report;

use pyo3::prelude::*;

/// The native module. Names are re-exported by `guidang/__init__.py`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<report::Report>()?;
    m.add_class::<report::Finding>()?;
    m.add_class::<record::Component>()?;
    m.add_class::<record::Record>()?;
    m.add_class::<checker::Checker>()?;
    m.add_class::<checker::CatalogueItem>()?;
    m.add_class::<capture::Capturer>()?;
    m.add_class::<capture::Receipt>()?;
    m.add_function(wrap_pyfunction!(capture::verify_package, m)?)?;
    m.add_function(wrap_pyfunction!(capture::verify_signatures, m)?)?;
    m.add_function(wrap_pyfunction!(capture::extract_invoice, m)?)?;
    m.add_function(wrap_pyfunction!(checker::check, m)?)?;
    m.add_function(wrap_pyfunction!(checker::check_record, m)?)?;
    m.add_function(wrap_pyfunction!(checker::catalogue, m)?)?;
    m.add_function(wrap_pyfunction!(checker::schemas, m)?)?;
    m.add_function(wrap_pyfunction!(checker::schemes, m)?)?;
    Ok(())
}
