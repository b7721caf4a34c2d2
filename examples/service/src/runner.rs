//! The background loop: every tick it runs the engine's deadlines
//! ([`Engine::tick`]) and its effect runner ([`Engine::run_effects`]); between
//! ticks a request can kick it to perform freshly queued effects at once (a join's
//! invoice) and wait for that pass. No external cron is needed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use patungan_engine::Engine;
use tokio::sync::{watch, Notify};
use tracing::{debug, info, warn};

use crate::clock::SharedClock;

/// Runner passes per wake-up at most, so one wake-up cannot spin forever.
const MAX_PASSES_PER_WAKE: usize = 64;

/// The handle requests use to wake the loop.
#[derive(Debug)]
pub struct Kicker {
    notify: Notify,
    started: AtomicU64,
    finished: watch::Sender<u64>,
}

impl Default for Kicker {
    fn default() -> Self {
        Kicker {
            notify: Notify::new(),
            started: AtomicU64::new(0),
            finished: watch::channel(0).0,
        }
    }
}

impl Kicker {
    /// Wakes the loop to run the effects queued so far.
    pub fn kick(&self) {
        self.notify.notify_one();
    }

    /// Wakes the loop and waits (at most `limit`) until a pass that started after
    /// this call has finished, i.e. every effect committed before the call was
    /// tried once. Returns whether it finished in time.
    pub async fn kick_and_wait(&self, limit: Duration) -> bool {
        let mut finished = self.finished.subscribe();
        let target = self.started.load(Ordering::SeqCst) + 1;
        self.kick();
        tokio::time::timeout(limit, finished.wait_for(|done| *done >= target))
            .await
            .is_ok_and(|r| r.is_ok())
    }
}

/// Runs the loop until `shutdown` turns true.
pub async fn run(
    engine: Arc<Engine>,
    clock: SharedClock,
    kicker: Arc<Kicker>,
    interval: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    info!(
        interval_ms = interval.as_millis() as u64,
        "background loop started"
    );
    let mut timer = tokio::time::interval(interval.max(Duration::from_millis(1)));
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let due = tokio::select! {
            _ = timer.tick() => true,
            () = kicker.notify.notified() => false,
            _ = shutdown.wait_for(|stop| *stop) => break,
        };
        let pass = kicker.started.fetch_add(1, Ordering::SeqCst) + 1;
        let now = clock.now();
        if due {
            match engine.tick(now).await {
                Ok(report) => {
                    if report.timers > 0 || report.payout_batches > 0 {
                        info!(timers = report.timers, payout_batches = report.payout_batches,
                            %now, "deadlines handled");
                    }
                    for (session, code) in &report.errors {
                        warn!(%session, code, "session timer failed; retried next tick");
                    }
                }
                Err(error) => warn!(code = error.code(), %error, "tick failed"),
            }
        }
        effects(&engine, now).await;
        kicker.finished.send_replace(pass);
    }
    info!("background loop stopped");
}

/// Runs the effect runner until nothing more is due (bounded).
async fn effects(engine: &Engine, now: chrono::DateTime<chrono::Utc>) {
    let batch = engine.config().runner_batch;
    for _ in 0..MAX_PASSES_PER_WAKE {
        match engine.run_effects(now).await {
            Ok(report) => {
                let seen = report.done + report.retried + report.failed;
                if seen > 0 {
                    debug!(
                        done = report.done,
                        retried = report.retried,
                        failed = report.failed,
                        "effects run"
                    );
                }
                if report.failed > 0 {
                    warn!(failed = report.failed, "effects given up; see the outbox");
                }
                if seen < batch {
                    return;
                }
            }
            Err(error) => {
                warn!(code = error.code(), %error, "effect runner failed");
                return;
            }
        }
    }
}
