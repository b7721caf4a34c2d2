//! Node.js bindings of `patungan-core`, built with napi-rs.
//!
//! The native addon (`patungan.<platform>.node`, loaded by the generated
//! `native.js`) is wrapped by `index.js`, which turns every core error into a
//! `PatunganError` subclass picked by the code's prefix. Everything here is
//! conversion and error mapping; every rule runs in `patungan-core`.
//!
//! Conventions (follow them when adding the session, ledger and wallet surface):
//! - money crosses as `{ amount: string, currency: string }` ([`money::Money`]),
//!   amounts being exact decimal strings;
//! - quantities and basis points are JS numbers, checked to be safe integers
//!   ([`numbers`]); ids are UUID strings ([`ids`]);
//! - records (events, effects, availability, accounts …) are plain objects in the
//!   core's JSON form, typed in `index.d.ts` ([`json`]); drained effects cross in a
//!   compact form that `index.js` turns into those objects ([`compact`]);
//! - instants are `Date`s or RFC 3339 strings in, `Date`s out ([`time`]);
//! - a core error is thrown as an `Error` whose `code` is the core's stable code
//!   ([`patungan_core::ErrorCode`]); `index.js` gives it the right subclass.

pub mod bot;
pub mod compact;
pub mod cost;
pub mod errors;
pub mod grosir;
pub mod ids;
pub mod json;
pub mod ledger;
pub mod money;
pub mod numbers;
pub mod session;
pub mod tier;
pub mod time;
pub mod wallet;
