//! # patungan-http
//!
//! Shared plumbing of Patungan's HTTP adapters (`patungan-xendit`, `patungan-biteship`):
//!
//! - [`amount`]: exact amounts on the wire. [`IdrAmount`] sends whole rupiah as a JSON
//!   integer built from [`Money`](patungan_core::Money); [`parse_amount_literal`] and the
//!   [`amount::raw`] serde helpers read amounts back from the raw JSON text. Nothing goes
//!   through `f64`.
//! - [`secret`]: [`Secret`], a credential that is redacted in `Debug` and has no
//!   `Display` or `Serialize`.
//! - [`client`]: building a `reqwest` client with explicit timeouts and no redirects,
//!   checking a base URL, and the small helpers every adapter uses to read an answer
//!   ([`TransportKind`], [`retry_after`], [`clip`], [`is_path_token`]).
//!
//! The adapters re-export what their public API exposes, so most users never name this
//! crate directly.

pub mod amount;
pub mod client;
pub mod secret;

pub use amount::{parse_amount_literal, parse_idr_amount, AmountError, IdrAmount};
pub use client::{
    build_client, checked_base_url, clip, is_path_token, retry_after, transport_kind,
    ClientBuildError, TransportKind, MAX_ERROR_TEXT,
};
pub use secret::Secret;
