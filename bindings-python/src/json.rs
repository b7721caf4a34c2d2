//! The core's JSON form ↔ Python objects, and the record codec.
//!
//! Records (events, effects, availability, ledger accounts …) cross the boundary in
//! the core's serde form: a `serde_json::Value` becomes plain Python data (dict, list,
//! str, int, bool, None) and `patungan._codec` turns it into the typed dataclass of
//! `patungan.<concept>` (UUIDs, aware datetimes, `Money`, `Decimal`), and back.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyModule, PyString, PyTuple};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Number, Value};

use crate::errors::json_error;

/// Plain Python data for a JSON value.
pub fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// A JSON value for plain Python data (dict with str keys, list, tuple, str, int,
/// bool, float, None).
pub fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    if obj.is_none() {
        Ok(Value::Null)
    } else if let Ok(b) = obj.cast::<PyBool>() {
        Ok(Value::Bool(b.is_true()))
    } else if obj.is_instance_of::<PyInt>() {
        if let Ok(u) = obj.extract::<u64>() {
            Ok(Value::Number(u.into()))
        } else {
            Ok(Value::Number(obj.extract::<i64>()?.into()))
        }
    } else if let Ok(f) = obj.cast::<PyFloat>() {
        Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| PyValueError::new_err("NaN and infinities are not JSON"))
    } else if let Ok(s) = obj.cast::<PyString>() {
        Ok(Value::String(s.to_cow()?.into_owned()))
    } else if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let key = k
                .cast::<PyString>()
                .map_err(|_| PyTypeError::new_err("JSON object keys must be str"))?;
            map.insert(key.to_cow()?.into_owned(), from_py(&v)?);
        }
        Ok(Value::Object(map))
    } else if let Ok(l) = obj.cast::<PyList>() {
        l.iter()
            .map(|v| from_py(&v))
            .collect::<PyResult<_>>()
            .map(Value::Array)
    } else if let Ok(t) = obj.cast::<PyTuple>() {
        t.iter()
            .map(|v| from_py(&v))
            .collect::<PyResult<_>>()
            .map(Value::Array)
    } else {
        Err(PyTypeError::new_err(format!(
            "expected JSON-like data (dict, list, str, int, bool, None), got {}",
            obj.get_type().name()?
        )))
    }
}

static CODEC: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn codec(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    Ok(CODEC
        .get_or_try_init(py, || {
            PyModule::import(py, "patungan._codec").map(Bound::unbind)
        })?
        .bind(py))
}

/// The typed record `name` (a class of `patungan._codec`'s registry) for a core value.
pub fn record<'py, T: Serialize>(
    py: Python<'py>,
    name: &str,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_value(value).map_err(json_error)?;
    record_from_value(py, name, &json)
}

/// The typed record `name` for a JSON value already built.
pub fn record_from_value<'py>(
    py: Python<'py>,
    name: &str,
    json: &Value,
) -> PyResult<Bound<'py, PyAny>> {
    let data = to_py(py, json)?;
    codec(py)?.call_method1("decode", (name, data))
}

/// A core value from a typed record, plain JSON-like data, or JSON text.
///
/// Records are encoded by `patungan._codec.encode`; serde then validates the
/// value exactly as it would JSON (an invalid value raises code `json.invalid`,
/// or the core's own code when the core validates inside serde).
pub fn core_value<T: DeserializeOwned>(obj: &Bound<'_, PyAny>) -> PyResult<T> {
    json_value(obj).and_then(|v| serde_json::from_value(v).map_err(json_error))
}

/// The JSON value of a typed record, plain data, or JSON text of an object or array
/// (any other `str` is a JSON string, e.g. a chart account name).
pub fn json_value(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow()?;
        return if text.trim_start().starts_with(['{', '[']) {
            serde_json::from_str(&text).map_err(json_error)
        } else {
            Ok(Value::String(text.into_owned()))
        };
    }
    if obj.is_instance_of::<PyDict>() || obj.is_instance_of::<PyList>() {
        return from_py(obj);
    }
    let encoded = codec(obj.py())?.call_method1("encode", (obj,))?;
    from_py(&encoded)
}

/// A list of typed records of one kind.
pub fn records<'py, T: Serialize>(
    py: Python<'py>,
    name: &str,
    values: &[T],
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for v in values {
        list.append(record(py, name, v)?)?;
    }
    Ok(list)
}
