//! Exact amounts on the wire: Xendit wants whole rupiah as JSON integers and sends amounts back as JSON numbers.
//! Nothing here goes through `f64`; the implementation is shared with the other HTTP
//! adapters in [`patungan_http::amount`].

pub use patungan_http::amount::{parse_amount_literal, parse_idr_amount, AmountError, IdrAmount};

/// Serde helpers that read amounts from the raw JSON text, never through `f64`.
pub(crate) use patungan_http::amount::raw;
