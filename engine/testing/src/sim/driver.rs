//! The simulation loop: one seeded random step after another, each an engine call,
//! a provider event, a fault or a clock move; invariants checked along the way.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use patungan_core::session::{Session, SessionStatus};
use patungan_core::SessionId;
use patungan_engine::EngineError;

use super::model::{Model, Stats};
use super::rng::Rng;
use super::scenario::{self, Setup};
use super::store::FaultKind;
use super::webhooks::Webhooks;
use super::world::World;
use super::Options;
use crate::Fixture;

/// A check's result: `Err` carries what went wrong.
pub type Check<T = ()> = Result<T, String>;

/// How an engine call ended, as the simulation sees it.
pub enum Call<T> {
    /// It returned a value.
    Done(T),
    /// It refused the input (no fault was involved).
    Refused(EngineError),
    /// A store fault (crash or blip) interrupted it; its effect may or may not stand.
    Faulted,
}

/// One seed's simulation.
pub struct Sim {
    /// The choices.
    pub rng: Rng,
    /// The seed's fixed setup.
    pub setup: Setup,
    /// The engines and providers.
    pub world: World,
    /// The simulated clock.
    pub now: DateTime<Utc>,
    /// What the simulation did.
    pub model: Model,
    /// Webhooks in flight.
    pub webhooks: Webhooks,
    /// Counters.
    pub stats: Stats,
    /// Whether the last classified call saw a store fault.
    pub last_faulted: bool,
    trace: VecDeque<String>,
    digest: u64,
    options: Options,
}

/// Runs `future`, failing the check if it never finishes (a deadlock).
pub async fn bounded<T>(future: impl Future<Output = T>) -> Check<T> {
    tokio::time::timeout(std::time::Duration::from_secs(60), future)
        .await
        .map_err(|_| "an engine call did not finish (deadlock?)".to_owned())
}

impl Sim {
    /// The simulation of `seed` over a fresh data set.
    pub async fn new(seed: u64, options: Options, fixture: Arc<dyn Fixture>) -> Self {
        let mut rng = Rng::new(seed);
        let setup = scenario::setup(&mut rng);
        let world = World::new(
            fixture,
            setup.replicas,
            setup.config.clone(),
            [
                setup.gateway_faults,
                setup.disburser_faults,
                setup.shipping_faults,
            ],
        )
        .await;
        Sim {
            now: setup.start,
            rng,
            setup,
            world,
            model: Model::default(),
            webhooks: Webhooks::default(),
            stats: Stats::default(),
            last_faulted: false,
            trace: VecDeque::new(),
            digest: 0xcbf2_9ce4_8422_2325,
            options,
        }
    }

    /// Writes a line to the trace (kept for the failure report, hashed into the digest).
    pub fn note(&mut self, line: String) {
        for b in line.bytes() {
            self.digest = (self.digest ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        if self.options.verbose {
            eprintln!("[{}] {line}", self.now.format("%m-%d %H:%M:%S"));
        }
        if self.trace.len() >= 60 {
            self.trace.pop_front();
        }
        self.trace
            .push_back(format!("{} {line}", self.now.format("%m-%d %H:%M:%S")));
    }

    /// The last trace lines.
    pub fn trace(&self) -> Vec<String> {
        self.trace.iter().cloned().collect()
    }

    /// A hash of the whole trace: equal for two runs of one seed.
    pub fn digest(&self) -> u64 {
        self.digest
    }

    /// A replica to send the next call to.
    pub fn replica(&mut self) -> usize {
        self.rng.below(self.world.replicas.len() as u64) as usize
    }

    /// Replica `r`'s clock: the true time plus its skew.
    pub fn clock(&self, r: usize) -> DateTime<Utc> {
        self.now
            + self
                .setup
                .skews
                .get(r)
                .copied()
                .unwrap_or_else(Duration::zero)
    }

    /// The largest clock skew of any replica.
    pub fn max_skew(&self) -> Duration {
        self.setup
            .skews
            .iter()
            .map(|d| d.abs())
            .max()
            .unwrap_or_else(Duration::zero)
    }

    /// Faults fired so far on replica `r`.
    pub fn fired(&self, r: usize) -> u64 {
        self.world.replicas[r].faults.fired()
    }

    /// Classifies a call's result; restarts the replica if its process crashed.
    pub async fn classify<T>(
        &mut self,
        r: usize,
        fired_before: u64,
        result: Result<T, EngineError>,
    ) -> Check<Call<T>> {
        let faulted = self.fired(r) != fired_before;
        let down = self.world.replicas[r].faults.is_down();
        self.last_faulted = faulted || down;
        if faulted && !down {
            self.stats.blips += 1;
        }
        if down {
            self.world.restart(r).await;
            self.stats.crashes += 1;
            self.note(format!("replica {r} crashed and restarted"));
        }
        match result {
            Ok(v) => Ok(Call::Done(v)),
            Err(EngineError::Store(_)) if faulted || down => Ok(Call::Faulted),
            Err(e) if faulted || down => Err(format!(
                "after a store fault the engine failed with {} ({e}) instead of the store error",
                e.code()
            )),
            Err(e) => Ok(Call::Refused(e)),
        }
    }

    /// Every session with its status (read without faults).
    pub async fn sessions(&self) -> Check<Vec<(SessionId, SessionStatus)>> {
        self.world
            .store
            .sessions()
            .await
            .map_err(|e| format!("listing sessions: {e}"))
    }

    /// A session as committed (read without faults).
    pub async fn view(&self, id: SessionId) -> Check<Session> {
        self.world
            .observer
            .session(id)
            .await
            .map(|v| v.session)
            .map_err(|e| format!("reading session {id}: {e}"))
    }

    /// The committed version of a session.
    pub async fn version(&self, id: SessionId) -> Check<u64> {
        self.world
            .observer
            .session(id)
            .await
            .map(|v| v.version)
            .map_err(|e| format!("reading session {id}: {e}"))
    }

    /// Moves the clock forward.
    pub fn advance(&mut self, by: Duration) {
        self.now += by;
    }

    /// Runs the seed: the random steps, then quiescence, then the final checks.
    pub async fn run(&mut self) -> Check<(usize, Stats)> {
        self.note(format!(
            "setup: {} weather, {} replica(s) (clock skews {:?}), {:?} refunds, snapshot every {}, runner batch {}, {} users, {} products, gateway faults {}/{} ppm, disburser faults {}/{} ppm, shipping faults {}/{} ppm",
            self.setup.weather,
            self.setup.replicas,
            self.setup.skews.iter().map(|d| d.num_seconds()).collect::<Vec<_>>(),
            self.setup.config.refund_destination,
            self.setup.config.snapshot_every,
            self.setup.config.runner_batch,
            self.setup.users.len(),
            self.setup.products.len(),
            self.setup.gateway_faults.error_ppm,
            self.setup.gateway_faults.lost_response_ppm,
            self.setup.disburser_faults.error_ppm,
            self.setup.disburser_faults.lost_response_ppm,
            self.setup.shipping_faults.error_ppm,
            self.setup.shipping_faults.lost_response_ppm,
        ));
        self.create_session().await?;
        let steps = self.options.steps;
        for step in 0..steps {
            self.stats.steps += 1;
            let kind = self.step().await;
            kind.map_err(|e| format!("step {step}: {e}"))?;
            if step % self.options.check_every == self.options.check_every - 1 {
                self.check_running()
                    .await
                    .map_err(|e| format!("after step {step}: {e}"))?;
            }
        }
        self.quiesce()
            .await
            .map_err(|e| format!("quiescence: {e}"))?;
        self.check_final()
            .await
            .map_err(|e| format!("final check: {e}"))?;
        Ok((steps, self.stats.clone()))
    }

    async fn step(&mut self) -> Check {
        let more_sessions = self.stats.sessions_created < self.setup.sessions
            && self.stats.steps * 10 <= self.options.steps as u64 * 7;
        let two = self.world.replicas.len() > 1;
        let weights = [
            if more_sessions { 3 } else { 0 },  // create a session
            24,                                 // join
            12,                                 // payers pay
            12,                                 // webhooks arrive
            10,                                 // run effects
            8,                                  // tick
            4,                                  // leave
            3,                                  // invoices expire at the gateway
            5,                                  // refunds decided
            4,                                  // payouts decided
            3,                                  // deposit
            4,                                  // withdrawal request
            2,                                  // stock added
            3,                                  // stock received
            1,                                  // cancel
            self.setup.crash_weight,            // crash or blip
            if two { 3 } else { 0 },            // replicas race
            self.setup.provider_faults,         // a mismatching paid callback
            self.setup.provider_faults / 2,     // the disburser's mood changes
            1,                                  // a stray shipment webhook
            8,                                  // a courier moves a shipment
            2,                                  // an operator decides a waiting order
            1 + self.setup.provider_faults / 2, // the shipping provider's mood changes
        ];
        let small = if self.rng.chance(30) {
            0
        } else {
            self.rng.range(1, 300)
        };
        self.advance(Duration::seconds(small as i64));
        match self.rng.weighted(&weights) {
            0 => self.create_session().await,
            1 => self.join().await,
            2 => self.pay().await,
            3 => self.deliver_due().await,
            4 => self.run_effects().await,
            5 => self.tick().await,
            6 => self.leave().await,
            7 => self.expire_due().await,
            8 => self.resolve_refunds(false).await,
            9 => self.resolve_payouts(false).await,
            10 => self.deposit().await,
            11 => self.withdraw().await,
            12 => self.add_stock().await,
            13 => self.stock_received().await,
            14 => self.cancel().await,
            15 => {
                self.fault().await;
                Ok(())
            }
            16 => self.race().await,
            17 => self.forge_payment().await,
            18 => {
                self.disburser_mood();
                Ok(())
            }
            19 => {
                self.shipment_webhook();
                Ok(())
            }
            20 => self.courier().await,
            21 => self.operator().await,
            _ => {
                self.shipping_mood();
                Ok(())
            }
        }
    }

    /// A crash between two operations, or a crash/blip armed at a later store call.
    async fn fault(&mut self) {
        let r = self.replica();
        let faults = self.world.replicas[r].faults.clone();
        if faults.armed() {
            return;
        }
        match self.rng.below(10) {
            0..=3 => {
                self.world.restart(r).await;
                self.stats.crashes += 1;
                self.note(format!("replica {r} crashed between operations"));
            }
            4..=6 => {
                let calls = self.rng.range(0, 40) as u32;
                faults.arm(calls, FaultKind::Crash);
                self.note(format!("replica {r} will crash at store call +{calls}"));
            }
            _ => {
                let calls = self.rng.range(0, 40) as u32;
                faults.arm(calls, FaultKind::Blip);
                self.note(format!("replica {r} store blip at call +{calls}"));
            }
        }
    }

    /// The effect runner on one replica.
    pub async fn run_effects(&mut self) -> Check {
        let r = self.replica();
        let fired = self.fired(r);
        let now = self.clock(r);
        let result = bounded(self.world.engine(r).run_effects(now)).await?;
        match self.classify(r, fired, result).await? {
            Call::Done(report) => {
                self.stats.ran_effects(&report);
                self.note(format!(
                    "run_effects on {r}: {} done, {} retried, {} given up",
                    report.done, report.retried, report.failed
                ));
                Ok(())
            }
            Call::Refused(e) => Err(format!("run_effects failed: {} ({e})", e.code())),
            Call::Faulted => {
                self.note(format!("run_effects on {r} interrupted"));
                Ok(())
            }
        }
    }

    /// Two replicas run their effect runners (or ticks) at the same time.
    async fn race(&mut self) -> Check {
        if self.rng.chance(40) {
            return self.race_joins().await;
        }
        let (now0, now1) = (self.clock(0), self.clock(1));
        let (f0, f1) = (self.fired(0), self.fired(1));
        if self.rng.chance(50) {
            let (a, b) = tokio::join!(
                bounded(self.world.engine(0).run_effects(now0)),
                bounded(self.world.engine(1).run_effects(now1))
            );
            for (r, f, result) in [(0, f0, a?), (1, f1, b?)] {
                if let Call::Refused(e) = self.classify(r, f, result).await? {
                    return Err(format!("racing run_effects failed: {} ({e})", e.code()));
                }
            }
            self.note("two replicas ran effects concurrently".to_owned());
        } else {
            let (a, b) = tokio::join!(
                bounded(self.world.engine(0).tick(now0)),
                bounded(self.world.engine(1).tick(now1))
            );
            for (r, f, result) in [(0, f0, a?), (1, f1, b?)] {
                match self.classify(r, f, result).await? {
                    Call::Refused(e) => {
                        return Err(format!("racing tick failed: {} ({e})", e.code()))
                    }
                    // Two replicas settling one session at once may conflict; the
                    // loser may report a retryable conflict and nothing else.
                    Call::Done(report)
                        if !self.last_faulted
                            && report
                                .errors
                                .iter()
                                .any(|(_, code)| code != "store.conflict") =>
                    {
                        return Err(format!("racing tick reported {:?}", report.errors));
                    }
                    _ => {}
                }
            }
            self.note("two replicas ticked concurrently".to_owned());
        }
        Ok(())
    }

    /// The clock moves (sometimes straight to the next deadline, sometimes far past
    /// several) and a replica runs `tick`.
    pub async fn tick(&mut self) -> Check {
        let next = self.next_deadline().await?;
        let by = match self.rng.below(100) {
            0..=49 => Duration::seconds(self.rng.range(0, 1800) as i64),
            50..=74 => match next.filter(|at| *at > self.now) {
                Some(at) => at - self.now + Duration::seconds(self.rng.range(0, 2) as i64),
                None => Duration::zero(),
            },
            75..=93 => Duration::minutes(self.rng.range(30, 6 * 60) as i64),
            94..=95 => Duration::minutes(self.rng.range(24 * 60, 3 * 24 * 60) as i64),
            _ => Duration::zero(),
        };
        self.advance(by);
        self.tick_now().await
    }

    /// `tick` at the current time on one replica.
    pub async fn tick_now(&mut self) -> Check {
        let r = self.replica();
        let fired = self.fired(r);
        let now = self.clock(r);
        let result = bounded(self.world.engine(r).tick(now)).await?;
        self.stats.ticks += 1;
        match self.classify(r, fired, result).await? {
            Call::Done(report) => {
                if !report.errors.is_empty() && !self.last_faulted {
                    return Err(format!("tick reported session errors {:?}", report.errors));
                }
                self.note(format!(
                    "tick on {r}: {} timers, {} payout batches",
                    report.timers, report.payout_batches
                ));
                Ok(())
            }
            Call::Refused(e) => Err(format!("tick failed: {} ({e})", e.code())),
            Call::Faulted => {
                self.note(format!("tick on {r} interrupted"));
                Ok(())
            }
        }
    }

    /// The earliest future deadline: a session timer or the next withdrawal batch.
    pub async fn next_deadline(&self) -> Check<Option<DateTime<Utc>>> {
        let mut next = self.world.observer.next_withdrawal_run(self.now);
        for (id, status) in self.sessions().await? {
            if status != SessionStatus::Open {
                continue;
            }
            if let Some(at) = self.view(id).await?.poll_timeout() {
                next = Some(next.map_or(at, |n: DateTime<Utc>| n.min(at)));
            }
        }
        Ok(next)
    }
}
