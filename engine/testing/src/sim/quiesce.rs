//! Driving a run to rest: no more faults or new inputs; stock arrives, effects run,
//! every webhook arrives, every refund and payout is decided, and the clock passes
//! every deadline, until nothing is left to do.

use chrono::{DateTime, Duration, Utc};
use patungan_core::session::SessionStatus;
use patungan_core::wallet::WithdrawalStatus;

use super::driver::{bounded, Call, Check, Sim};

const ROUNDS: usize = 400;

impl Sim {
    /// Runs until every session with participants is terminal, every effect is done,
    /// every webhook delivered and every withdrawal resolved.
    pub async fn quiesce(&mut self) -> Check {
        for r in 0..self.world.replicas.len() {
            let faults = &self.world.replicas[r].faults;
            if faults.armed() || faults.is_down() {
                self.world.restart(r).await;
            }
        }
        self.disburser_recovers();
        self.shipping_recovers();
        self.note("quiescence".to_owned());
        for round in 0..ROUNDS {
            for (id, status) in self.sessions().await? {
                if status == SessionStatus::AwaitingStock {
                    let order = self.row::<patungan_engine::PurchaseOrderRecord>(id).await?;
                    let arrived = order.is_some_and(|o| !o.received().is_empty());
                    if arrived || self.rng.chance(90) {
                        self.receive(id, false).await?;
                    } else {
                        self.cancel_session(id).await?;
                    }
                }
            }
            self.drain_effects().await?;
            self.expire_due().await?;
            self.resolve_refunds(true).await?;
            self.resolve_payouts(true).await?;
            self.operator_at_rest().await?;
            self.couriers_finish().await?;
            self.deliver_all().await?;
            self.drain_effects().await?;
            if self.couriers_idle() && self.idle().await? {
                match self.pending_deadline().await? {
                    Some(at) => {
                        self.now = self.now.max(at) + self.max_skew() + Duration::seconds(1);
                        self.tick_now().await?;
                    }
                    None => return Ok(()),
                }
            } else {
                self.advance(Duration::minutes(2));
                // A webhook the engine keeps refusing may wait for a deadline (a
                // reversal of a payout whose silent batch is asked about only after
                // the silence limit): now and then the clock jumps to it.
                if round % 50 == 49 {
                    if let Some(at) = self.pending_deadline().await? {
                        self.now = self.now.max(at) + self.max_skew() + Duration::seconds(1);
                    }
                }
                self.tick_now().await?;
            }
        }
        Err(format!(
            "no rest after {ROUNDS} rounds: {} webhooks in flight, {} refunds pending, outbox idle: {}",
            self.webhooks.len(),
            self.world.gateway.pending_refunds().len(),
            self.outbox_idle().await?
        ))
    }

    async fn cancel_session(&mut self, id: patungan_core::SessionId) -> Check {
        let r = self.replica();
        let fired = self.fired(r);
        let now = self.clock(r);
        let result = bounded(self.world.engine(r).cancel(id, now)).await?;
        match self.classify(r, fired, result).await? {
            Call::Refused(e) => Err(format!("cancel of {id} refused: {} ({e})", e.code())),
            _ => {
                self.note(format!("cancelled {id} while awaiting stock"));
                Ok(())
            }
        }
    }

    /// Runs effect runners until a pass finds nothing due.
    async fn drain_effects(&mut self) -> Check {
        for _ in 0..10_000 {
            let r = self.replica();
            let fired = self.fired(r);
            let now = self.clock(r);
            let result = bounded(self.world.engine(r).run_effects(now)).await?;
            match self.classify(r, fired, result).await? {
                Call::Done(report) => {
                    self.stats.ran_effects(&report);
                    if report.done + report.retried + report.failed == 0 {
                        return Ok(());
                    }
                }
                Call::Refused(e) => return Err(format!("run_effects failed: {} ({e})", e.code())),
                Call::Faulted => {}
            }
        }
        Err("the effect runner never ran dry".to_owned())
    }

    /// Whether no outbox entry is waiting at all (due or backing off).
    pub async fn outbox_idle(&self) -> Check<bool> {
        let far = self.now + Duration::days(3650);
        let waiting = self
            .world
            .store
            .due_outbox(far, 1)
            .await
            .map_err(|e| format!("outbox: {e}"))?;
        Ok(waiting.is_empty())
    }

    async fn idle(&self) -> Check<bool> {
        let undecided = self
            .world
            .disburser
            .payouts()
            .iter()
            .any(|p| p.outcome.is_none());
        Ok(self.webhooks.is_empty()
            && self.world.gateway.pending_refunds().is_empty()
            && !undecided
            && self.outbox_idle().await?)
    }

    /// The next instant something is still due: an open session with participants,
    /// or a withdrawal waiting for a batch run.
    async fn pending_deadline(&self) -> Check<Option<DateTime<Utc>>> {
        let mut next: Option<DateTime<Utc>> = None;
        let mut add = |at: DateTime<Utc>| next = Some(next.map_or(at, |n| n.min(at)));
        for (id, status) in self.sessions().await? {
            if status != SessionStatus::Open {
                continue;
            }
            let session = self.view(id).await?;
            if !session.state().participants().is_empty() {
                if let Some(at) = session.poll_timeout() {
                    add(at);
                }
            }
        }
        let book = self
            .world
            .observer
            .withdrawals()
            .await
            .map_err(|e| format!("withdrawals: {e}"))?;
        if book.iter().any(|w| w.status() == WithdrawalStatus::Queued) {
            if let Some(at) = self.world.observer.next_withdrawal_run(self.now) {
                add(at);
            }
        }
        // Items of a batch that never reported are asked about after the silence.
        for w in book
            .iter()
            .filter(|w| w.status() == WithdrawalStatus::InBatch)
        {
            if let Some(attempt) = w.attempts().last() {
                add(self.silence_deadline(attempt.batch.instant));
            }
        }
        // So are factory payouts.
        let factory = self
            .world
            .observer
            .factory_payouts()
            .await
            .map_err(|e| format!("factory payouts: {e}"))?;
        for payout in factory {
            if payout.status == patungan_core::factory_payouts::FactoryPayoutStatus::Submitted {
                add(self.silence_deadline(payout.sent_at));
            }
        }
        Ok(next)
    }
}
