//! Core errors → the `patungan.Error` hierarchy.
//!
//! The exception classes live in `python/patungan/errors.py`; the class is picked
//! there from the code's prefix (`"money.negative"` → `MoneyError`), so one table
//! serves every error type. Every core error implements the core's
//! [`ErrorCode`] trait, so a new core error type needs nothing here.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;

pub use patungan_core::ErrorCode;

static ERRORS_MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// Builds the Python exception for `code` and `message` (a `patungan.Error` subclass).
pub fn py_error(py: Python<'_>, code: &str, message: &str) -> PyErr {
    let module = ERRORS_MODULE.get_or_try_init(py, || {
        PyModule::import(py, "patungan.errors").map(Bound::unbind)
    });
    let built = module.and_then(|m| m.bind(py).call_method1("error_for_code", (code, message)));
    match built {
        Ok(exception) => PyErr::from_value(exception),
        // Only reachable if the pure-Python half is missing: still report the error.
        Err(import_failure) => {
            let err = PyValueError::new_err(format!("{code}: {message}"));
            err.set_cause(py, Some(import_failure));
            err
        }
    }
}

/// Converts any core error into its Python exception.
pub fn to_py<E: ErrorCode>(error: E) -> PyErr {
    Python::attach(|py| py_error(py, error.code(), &error.to_string()))
}

/// Extension for `Result`s of core calls: `.py()?` maps the error.
pub trait IntoPyResult<T> {
    /// Maps a core error into its Python exception.
    fn py(self) -> PyResult<T>;
}

impl<T, E: ErrorCode> IntoPyResult<T> for Result<T, E> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}

/// The code given to JSON input that does not describe a valid value.
pub const INVALID_JSON: &str = "json.invalid";

/// Maps a `serde_json` failure (syntax, shape, or a core validation inside serde).
pub fn json_error(error: serde_json::Error) -> PyErr {
    Python::attach(|py| py_error(py, INVALID_JSON, &error.to_string()))
}
