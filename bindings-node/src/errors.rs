//! Core errors → JS errors whose `code` is the core's stable code.
//!
//! napi throws an `Error<S>` as a JS `Error` with `code = S`. `index.js` then swaps
//! the prototype for the subclass named by the code's prefix (`money.*` →
//! `MoneyError`), so the mapping table lives in one place. Every core error
//! implements the core's [`ErrorCode`] trait, so a new core error type needs nothing here.

/// The error type of every fallible binding call: its status is the code.
pub type JsError = napi::Error<Code>;

/// The result type of every fallible binding call (named `Result` so that napi
/// recognises it and throws the error).
pub type Result<T> = std::result::Result<T, JsError>;

/// A stable error code, e.g. `"tier.no_rungs"`, carried to JS as `error.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code(pub &'static str);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.0
    }
}

/// The code of an argument that is not a valid value of its JS type (the same
/// code napi gives to its own conversion failures).
pub const INVALID_ARG: Code = Code("InvalidArg");

/// The code of JSON input that does not describe a valid value.
pub const INVALID_JSON: Code = Code("json.invalid");

pub use patungan_core::ErrorCode;

/// Converts a core error into the error thrown to JS.
pub fn to_js<E: ErrorCode>(error: E) -> JsError {
    napi::Error::new(Code(error.code()), error.to_string())
}

/// Extension for `Result`s of core calls: `.js()?` maps the error.
pub trait IntoJsResult<T> {
    /// Maps a core error into the error thrown to JS.
    fn js(self) -> Result<T>;
}

impl<T, E: ErrorCode> IntoJsResult<T> for std::result::Result<T, E> {
    fn js(self) -> Result<T> {
        self.map_err(to_js)
    }
}

/// Maps a `serde_json` failure (syntax, shape, or a core validation inside serde).
pub fn json_error(error: serde_json::Error) -> JsError {
    napi::Error::new(INVALID_JSON, error.to_string())
}

/// An argument that is not a valid value of its JS type.
pub fn invalid_arg(message: String) -> JsError {
    napi::Error::new(INVALID_ARG, message)
}
