//! A secret string (the Biteship API key and the webhook signing secret) that never shows itself.
//!
//! [`Secret`] is shared with the other HTTP adapters ([`patungan_http::Secret`]): its
//! `Debug` output is redacted, it has no `Display` and no `Serialize`.

pub use patungan_http::Secret;
