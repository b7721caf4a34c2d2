//! A secret string (the Xendit secret key and the callback verification token) that never shows itself.
//!
//! [`Secret`] is shared with the other HTTP adapters ([`patungan_http::Secret`]): its
//! `Debug` output is redacted, it has no `Display` and no `Serialize`.

pub use patungan_http::Secret;
