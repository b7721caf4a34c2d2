//! Starting and stopping the service: the HTTP server and the background loop
//! share one shutdown signal.

use std::future::Future;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::auth::dev::DevTokens;
use crate::clock::SharedClock;
use crate::config::{Config, LogFormat};
use crate::limits::RateLimits;
use crate::state::{AppState, StartError};

/// A built service, ready to serve.
#[derive(Debug, Clone)]
pub struct Service {
    state: AppState,
    tick_interval: Duration,
}

impl Service {
    /// Builds the engine, store and ports `config` selects, reading time from `clock`.
    pub async fn new(config: &Config, clock: SharedClock) -> Result<Self, StartError> {
        let state = AppState::build(config, clock).await?;
        tracing::info!(
            store = state.parts.store,
            gateway = state.parts.gateway,
            shipping = state.parts.shipping,
            auth = config.auth.is_some(),
            "service built"
        );
        if state.dev_tokens.is_some() {
            tracing::warn!(
                "no authentication is configured: development run with simulated providers; \
                 short-lived development tokens are printed on standard output"
            );
        }
        Ok(Service {
            state,
            tick_interval: config.tick_interval,
        })
    }

    /// The handlers' shared state (the engine, the clock …).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The development tokens, when no authentication is configured.
    pub fn dev_tokens(&self) -> Option<&DevTokens> {
        self.state.dev_tokens.as_deref()
    }

    /// The router, without the background loop (for in-process tests of handlers).
    pub fn router(&self) -> Router {
        crate::routes::router(self.state.clone())
    }

    /// Serves on `listener` and runs the background loop until `shutdown` completes;
    /// in-flight requests finish first.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (stop, stopped) = watch::channel(false);
        let background = tokio::spawn(crate::runner::run(
            self.state.engine.clone(),
            self.state.clock.clone(),
            self.state.kicker.clone(),
            self.tick_interval,
            stopped,
        ));
        if let Ok(addr) = listener.local_addr() {
            tracing::info!(%addr, "listening");
        }
        let limits = tokio::spawn(forget_full_buckets(
            self.state.limits.clone(),
            stop.subscribe(),
        ));
        let stop_on_signal = stop.clone();
        let app = self
            .router()
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                shutdown.await;
                tracing::info!("shutting down");
                stop_on_signal.send_replace(true);
            })
            .await;
        stop.send_replace(true);
        if let Err(e) = background.await {
            tracing::error!(%e, "background loop ended abnormally");
        }
        let _ = limits.await;
        served
    }
}

/// Every minute until `stop`, drops the rate limiters' buckets that are full again.
async fn forget_full_buckets(limits: RateLimits, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(60)) => limits.retain_recent(),
            changed = stop.wait_for(|stopped| *stopped) => {
                let _ = changed;
                return;
            }
        }
    }
}

/// Binds `config.listen` and serves until Ctrl-C or SIGTERM.
pub async fn run(config: Config, clock: SharedClock) -> Result<(), StartError> {
    let service = Service::new(&config, clock).await?;
    if let Some(tokens) = service.dev_tokens() {
        // Printed, never logged: log lines carry no token.
        println!("{}", tokens.banner());
    }
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| StartError::Bind {
            addr: config.listen,
            source,
        })?;
    service
        .serve(listener, shutdown_signal())
        .await
        .map_err(|source| StartError::Bind {
            addr: config.listen,
            source,
        })
}

/// Completes on Ctrl-C or (on Unix) SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Installs the log subscriber: level from `RUST_LOG` (default `info`), text or
/// JSON lines. Does nothing if one is installed already (tests).
pub fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}
