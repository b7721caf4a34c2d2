//! Records in the core's JSON form: plain JS objects in, plain JS objects out.
//!
//! Records (events, effects, availability, accounts, transfers …) are exactly the
//! core's serde form: snake_case keys, money as `{ amount: "…", currency: "IDR" }`,
//! ids as UUID strings, instants as RFC 3339 strings. Arguments go through
//! `JSON.stringify` (so a `Date` inside a record becomes its ISO string) and serde;
//! results are built by serialising the core value straight into JS values.
//! `index.d.ts` types them (`records.d.ts`, generated from the JSON Schema of the core
//! types by `tools/records-dts`).

use napi::bindgen_prelude::{JsObjectValue, Unknown};
use napi::JSON;
use napi::{Env, JsValue, ValueType};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::errors::{invalid_arg, json_error, Result, INVALID_JSON};

/// A core value from a JS record (object or array) or its JSON text.
pub fn core_value<T: DeserializeOwned>(env: &Env, value: Unknown<'_>) -> Result<T> {
    let text = if value.get_type().map_err(|e| invalid_arg(e.reason))? == ValueType::String {
        let s = string(&value)?;
        if s.trim_start().starts_with(['{', '[']) {
            s
        } else {
            serde_json::to_string(&s).map_err(json_error)?
        }
    } else {
        let json: JSON<'_> = env
            .get_global()
            .and_then(|g| g.get_named_property_unchecked("JSON"))
            .map_err(|e| invalid_arg(e.reason))?;
        json.stringify(value).map_err(|e| invalid_arg(e.reason))?
    };
    serde_json::from_str(&text).map_err(json_error)
}

fn string(value: &Unknown<'_>) -> Result<String> {
    value
        .coerce_to_string()
        .and_then(|s| s.into_utf8())
        .and_then(|s| s.into_owned())
        .map_err(|e| invalid_arg(e.reason))
}

/// A JS value (plain objects, arrays, strings, numbers) for a core value.
pub fn js<'env, T: Serialize>(env: &Env, value: &T) -> Result<Unknown<'env>> {
    env.to_js_value(value)
        .map_err(|e| napi::Error::new(INVALID_JSON, e.reason))
}

/// The core value's JSON text.
pub fn text<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(json_error)
}

/// The core value read from JSON text.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(json_error)
}
