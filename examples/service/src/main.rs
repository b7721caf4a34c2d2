//! `patungan-service`: the reference HTTP service. See the crate's README for the
//! endpoints and environment variables.

use std::process::ExitCode;
use std::sync::Arc;

use patungan_service::clock::SystemClock;
use patungan_service::config::Config;
use patungan_service::{init_tracing, run};

#[tokio::main]
async fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("patungan-service: {error}");
            return ExitCode::from(2);
        }
    };
    init_tracing(config.log_format);
    match run(config, Arc::new(SystemClock)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "patungan-service stopped");
            ExitCode::FAILURE
        }
    }
}
