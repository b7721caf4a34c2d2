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

/// Parses an RFC 3339 instant (the core's JSON form of time) into an aware
/// `datetime` in UTC (microsecond precision: Python's `datetime` has no nanoseconds).
#[pyfunction]
pub fn parse_instant(text: &str) -> PyResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|dt| dt.with_timezone(&Utc))
        .map_err(|e| PyValueError::new_err(format!("{text:?} is not an RFC 3339 instant: {e}")))
}
