//! Instants: timezone-aware `datetime` ↔ `DateTime<Utc>`.

use chrono::{DateTime, Utc};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDateTime;

/// Reads a timezone-aware `datetime` (any zone) as a UTC instant.
///
/// A naive `datetime` is refused with `ValueError`: the core never guesses a zone.
pub fn utc_datetime(value: &Bound<'_, PyAny>) -> PyResult<DateTime<Utc>> {
    let py = value.py();
    let dt = value.cast::<PyDateTime>()?;
    if dt.call_method0("utcoffset")?.is_none() {
        return Err(PyValueError::new_err(
            "naive datetime: pass a timezone-aware datetime (e.g. tzinfo=timezone.utc)",
        ));
    }
    let utc = Utc.into_pyobject(py)?;
    dt.call_method1("astimezone", (utc,))?.extract()
}
