//! # patungan-service
//!
//! The reference HTTP service of Patungan: [axum](https://docs.rs/axum) over the
//! [`patungan_engine::Engine`], with a background loop that drives deadlines
//! ([`Engine::tick`](patungan_engine::Engine::tick)) and the effect runner — no
//! external cron.
//!
//! With no environment variables it runs on the in-memory store and simulated
//! providers (`cargo run --release -p patungan-service`) and prints short-lived
//! development tokens ([`auth::dev`]); `DATABASE_URL`, `XENDIT_SECRET_KEY` +
//! `XENDIT_CALLBACK_TOKEN` and `BITESHIP_API_KEY` switch to PostgreSQL, Xendit and
//! Biteship ([`config`]), and then bearer-token verification (`PATUNGAN_JWT_*`) is
//! required ([`auth`]). The endpoints are listed in
//! [`routes`]; errors are `{"error": {"code": "...", "message": "..."}}` with the
//! core's and engine's codes ([`error`]). Time is read from a [`clock::Clock`], so
//! tests can move it.

pub mod auth;
pub mod clock;
pub mod config;
pub mod dto;
pub mod error;
pub mod extract;
pub mod handlers;
pub mod layers;
pub mod limits;
pub mod openapi;
pub mod routes;
pub mod runner;
pub mod serve;
pub mod state;

pub use serve::{init_tracing, run, shutdown_signal, Service};
pub use state::{AppState, StartError};
