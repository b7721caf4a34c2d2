//! Steps on sessions: create, join (valid and invalid), leave, cancel, stock.

use patungan_core::grosir::StockLevel;
use patungan_core::quotes::{Destination, QuoteChoice, QuoteRequest, Recipient};
use patungan_core::session::{JoinRequest, Outcome, Session, SessionStatus};
use patungan_core::{Money, ParticipantId, PaymentId, QuoteId, SessionId, VariantId};

use super::driver::{bounded, Call, Check, Sim};
use patungan_engine::PurchaseOrderRecord;

/// A partial receipt the simulation makes.
struct Receipt {
    levels: Vec<StockLevel>,
    units: u64,
    closes: bool,
}
use super::oracle::{self, Verdict};

impl Sim {
    /// The simulation creates a session of a random product.
    pub async fn create_session(&mut self) -> Check {
        let Some(product) = self.rng.pick(&self.setup.products).cloned() else {
            return Ok(());
        };
        let config = super::scenario::session(&mut self.rng, &product, self.now);
        let id = SessionId::from_u128(self.model.fresh());
        let r = self.replica();
        let fired = self.fired(r);
        let now = self.clock(r);
        let result = bounded(self.world.engine(r).create_session(id, config.clone(), now)).await?;
        match self.classify(r, fired, result).await? {
            Call::Done(()) => {
                self.stats.sessions_created += 1;
                self.note(format!(
                    "session {id} created: moq {}, {} variant(s), {} → {}, bot {}, renewal {}",
                    config.moq.get(),
                    config.bundle().map_or(0, |b| b.len()),
                    config.start.format("%m-%d %H:%M"),
                    config.end.format("%m-%d %H:%M"),
                    config.bot.enabled(),
                    config.renewal
                ));
                Ok(())
            }
            Call::Refused(e) => Err(format!("create_session refused: {} ({e})", e.code())),
            Call::Faulted => Ok(()),
        }
    }

    /// A session: with `open_bias` percent an open one that has started (and, for
    /// `with_participants`, has participants), otherwise any.
    async fn pick_session(
        &mut self,
        open_bias: u64,
        with_participants: bool,
    ) -> Check<Option<SessionId>> {
        let all = self.sessions().await?;
        let mut live = Vec::new();
        for (id, status) in &all {
            if *status != SessionStatus::Open {
                continue;
            }
            let session = self.view(*id).await?;
            let started = session.state().config().start <= self.now;
            if started && (!with_participants || !session.state().participants().is_empty()) {
                live.push(*id);
            }
        }
        let ids: Vec<SessionId> = all.iter().map(|(id, _)| *id).collect();
        Ok(if self.rng.chance(open_bias) {
            // Nothing live: mostly do nothing rather than pile up refusals.
            match self.rng.pick(&live) {
                Some(id) => Some(*id),
                None if self.rng.chance(25) => self.rng.pick(&ids).copied(),
                None => None,
            }
        } else {
            self.rng.pick(&ids).copied()
        })
    }

    fn join_request(&mut self, session: &Session) -> JoinRequest {
        let config = session.state().config();
        let participants = session.state().participants();
        let n = self.model.fresh();
        let user = *self
            .rng
            .pick(&self.setup.users)
            .unwrap_or(&patungan_core::UserId::from_u128(1));
        let roll = self.rng.below(100);
        // An idempotent retry of an earlier join, or a conflicting reuse of its ids.
        if let Some(p) = self.rng.pick(participants).filter(|_| roll < 7) {
            let mut request = JoinRequest {
                participant: p.id,
                user: p.user,
                payment: p.payment,
                variant: p.variant,
                quantity: p.quantity,
                expected_unit_price: config.group_price(),
                courier_price: p.cost.leg2,
            };
            match roll {
                0..=2 => {}
                3..=4 => request.quantity += 1,
                _ => request.participant = ParticipantId::from_u128(n),
            }
            return request;
        }
        let variant = match config.bundle() {
            Some(bundle) => match self.rng.below(100) {
                0..=3 => Some(VariantId::from_u128(0xDEAD)),
                4..=6 => None,
                _ => self.rng.pick(bundle.variants()).map(|v| v.variant),
            },
            None => self.rng.chance(3).then(|| VariantId::from_u128(0xBEEF)),
        };
        let typical = match config.bundle() {
            Some(bundle) => {
                let most = bundle
                    .variants()
                    .iter()
                    .map(|v| v.units_per_bundle + v.tolerance)
                    .max()
                    .unwrap_or(1);
                most * 2
            }
            None => config.moq.get() / 2 + 2,
        };
        let quantity = match self.rng.below(100) {
            0..=2 => 0,
            3..=6 => config.per_join_limit + self.rng.range(1, 3),
            7..=12 => self.rng.range(config.moq.get(), config.moq.get() * 2 + 5),
            _ => self.rng.range(1, typical.min(config.per_join_limit).max(1)),
        };
        let price = if self.rng.chance(4) {
            Money::idr(1)
                .checked_add(config.group_price())
                .unwrap_or(config.group_price())
        } else {
            config.group_price()
        };
        JoinRequest {
            participant: ParticipantId::from_u128(n),
            user,
            payment: PaymentId::from_u128(n),
            variant,
            quantity,
            expected_unit_price: price,
            courier_price: Money::idr(*self.rng.pick(&[0u64, 9_000, 15_000, 27_500]).unwrap_or(&0)),
        }
    }

    /// A shopper joins (or tries to, with a stale screen, an unknown variant, too
    /// many units, after the end …). Every verdict must match the rules; a refusal
    /// must change nothing; an accepted grosir join must fit the availability.
    pub async fn join(&mut self) -> Check {
        let Some(id) = self.pick_session(90, false).await? else {
            return Ok(());
        };
        let before = self.view(id).await?;
        let version = self.version(id).await?;
        let mut request = self.join_request(&before);
        let r = self.replica();
        let now = self.clock(r);
        let choice = self.quote_choice(id, &before, &mut request, r).await?;
        let predicted = oracle::join(&before, &request, now);
        let fired = self.fired(r);
        let engine = self.world.engine(r);
        let result = match &choice {
            Some(choice) => bounded(engine.join_quoted(id, &request, choice, now)).await?,
            None => bounded(engine.join(id, &request, now)).await?,
        };
        let what = format!(
            "join {} to {id}: {} × {:?}, quote {}",
            request.participant,
            request.quantity,
            request.variant,
            choice.as_ref().map_or("none", |c| match c.recipient {
                Some(_) => "with a recipient",
                None => "without a recipient",
            })
        );
        match self.classify(r, fired, result).await? {
            Call::Done(receipt) => {
                let applied = receipt.outcome == Outcome::Applied;
                expect(&what, predicted, Ok(applied))?;
                if applied {
                    self.stats.joins += 1;
                    self.model
                        .joins
                        .insert(request.participant, (id, request.clone()));
                    self.check_held(id, &before).await?;
                }
                self.note(format!("{what}: {:?}", receipt.outcome));
            }
            Call::Refused(e) => {
                expect(&what, predicted, Err(e.code()))?;
                self.stats.joins_refused += 1;
                self.stats.refused(e.code());
                if e.code() == "session.not_enough_available" {
                    self.stats.joins_unavailable += 1;
                }
                self.unchanged(id, version, &what).await?;
                self.note(format!("{what}: refused {}", e.code()));
            }
            Call::Faulted => {
                let after = self.view(id).await?;
                if after.state().participant(request.participant).is_some() && predicted == Ok(true)
                {
                    self.stats.joins += 1;
                    self.model
                        .joins
                        .insert(request.participant, (id, request.clone()));
                }
                self.note(format!("{what}: interrupted"));
            }
        }
        Ok(())
    }

    /// Most new joins to a grosir session (whose units the warehouse holds on hand
    /// and can ship) first ask replica `r` for a shipping quote and cite it, mostly
    /// with a recipient; the request then carries the quoted courier price. Joins to
    /// other sessions, repeated joins and some others cite none: their orders wait
    /// for an operator (no recipient).
    async fn quote_choice(
        &mut self,
        id: SessionId,
        session: &Session,
        request: &mut JoinRequest,
        r: usize,
    ) -> Check<Option<QuoteChoice>> {
        let fresh = session.state().participant(request.participant).is_none();
        let grosir = session.state().config().bundle().is_some();
        if !fresh || !grosir || request.quantity == 0 || self.rng.chance(8) {
            return Ok(None);
        }
        let n = self.model.fresh();
        let ask = QuoteRequest {
            id: QuoteId::from_u128(n),
            user: request.user,
            destination: Destination::PostalCode(format!("{}", 10_000 + n % 90_000)),
            variant: request.variant,
            quantity: request.quantity,
        };
        let fired = self.fired(r);
        let now = self.clock(r);
        let result = bounded(self.world.engine(r).quote(id, ask, now)).await?;
        let quote = match self.classify(r, fired, result).await? {
            Call::Done(quote) => quote,
            Call::Refused(e) => return Err(format!("quote for {id} refused: {} ({e})", e.code())),
            Call::Faulted => return Ok(None),
        };
        let Some(offer) = self.rng.pick(&quote.offers).cloned() else {
            return Err(format!("quote {} for {id} has no offers", quote.id));
        };
        request.courier_price = offer.price;
        let recipient = (!self.rng.chance(5)).then(|| Recipient {
            name: format!("Penerima {n}"),
            phone: format!("08{n:010}"),
            address: format!("Jl. Simulasi {n}"),
        });
        self.stats.saw(if recipient.is_some() {
            "join cites a quote with a recipient"
        } else {
            "join cites a quote without a recipient"
        });
        Ok(Some(QuoteChoice {
            quote: quote.id,
            courier: offer.courier,
            service: offer.service,
            recipient,
        }))
    }

    /// Two shoppers join one session at the same instant through the two replicas.
    /// Whatever order the store serialised them in, each accepted join must have
    /// fitted the availability left by the joins committed before it, and each
    /// availability refusal must have been right in one of the two orders.
    pub async fn race_joins(&mut self) -> Check {
        let Some(id) = self.pick_session(100, false).await? else {
            return Ok(());
        };
        let before = self.view(id).await?;
        if before.status() != SessionStatus::Open {
            return Ok(());
        }
        let mut a = self.join_request(&before);
        let mut b = self.join_request(&before);
        // Fresh, distinct ids: the race is about capacity, not idempotency.
        for request in [&mut a, &mut b] {
            let n = self.model.fresh();
            request.participant = ParticipantId::from_u128(n);
            request.payment = PaymentId::from_u128(n);
        }
        let (now0, now1) = (self.clock(0), self.clock(1));
        let (f0, f1) = (self.fired(0), self.fired(1));
        let (ra, rb) = tokio::join!(
            bounded(self.world.engine(0).join(id, &a, now0)),
            bounded(self.world.engine(1).join(id, &b, now1))
        );
        let ca = self.classify(0, f0, ra?).await?;
        let cb = self.classify(1, f1, rb?).await?;
        let after = self.view(id).await?;
        let Some(bundle) = after.state().config().bundle().cloned() else {
            return Ok(());
        };
        // Replay the accepted joins in commit (participant) order against availability.
        // Each join first closed the payment windows ended at its replica's clock, and
        // a window once closed stays closed for the join after it.
        let mut joined: Vec<u64> = vec![0; bundle.len()];
        let mut closing: Option<chrono::DateTime<chrono::Utc>> = None;
        for p in after.state().participants() {
            let Some((request, at)) = [(&a, now0), (&b, now1)]
                .into_iter()
                .find(|(r, _)| r.participant == p.id)
            else {
                continue;
            };
            closing = Some(closing.map_or(at, |c| c.max(at)));
            let mut held = oracle::held_units_at(&before, closing);
            for (h, j) in held.iter_mut().zip(&joined) {
                *h += j;
            }
            let Some(i) = request.variant.and_then(|v| bundle.position(v)) else {
                continue;
            };
            if oracle::available(&bundle, &held, i).is_some_and(|free| request.quantity > free) {
                return Err(format!(
                    "oversell: racing join {} of {} units on {id} exceeded availability {:?} (held {held:?})",
                    p.id,
                    request.quantity,
                    oracle::available(&bundle, &held, i)
                ));
            }
            joined[i] += request.quantity;
            self.stats.joins += 1;
            self.model.joins.insert(p.id, (id, request.clone()));
        }
        for (request, call, now) in [(&a, &ca, now0), (&b, &cb, now1)] {
            if let Call::Refused(e) = call {
                // The other join ran on the other replica, at its own clock: the
                // payment windows it closed are closed for this one too.
                let (other, other_now) = if request.participant == a.participant {
                    (&b, now1)
                } else {
                    (&a, now0)
                };
                let alone = oracle::join(&before, request, now);
                let mut second = before.clone();
                let joined = second.join(other, other_now).is_ok();
                let after_other = if joined {
                    oracle::join(&second, request, now)
                } else {
                    alone
                };
                if alone != Err(e.code()) && after_other != Err(e.code()) {
                    return Err(format!(
                        "racing join {} refused with {}: the rules say {alone:?} alone, {after_other:?} after the other",
                        request.participant,
                        e.code()
                    ));
                }
                self.stats.joins_refused += 1;
                self.stats.refused(e.code());
            }
        }
        self.note(format!("two joins raced on {id}"));
        Ok(())
    }

    /// After an accepted grosir join: every variant's held units are those before plus
    /// the join, and the joined variant stays within what availability allowed.
    async fn check_held(&self, id: SessionId, before: &Session) -> Check {
        let after = self.view(id).await?;
        let Some(bundle) = after.state().config().bundle() else {
            return Ok(());
        };
        let held_before = oracle::held_units(before);
        let held_after = oracle::held_units(&after);
        if held_after.as_slice() != after.state().held_units() {
            return Err(format!(
                "session {id}: held units {:?} but participants hold {held_after:?}",
                after.state().held_units()
            ));
        }
        for (i, (b, a)) in held_before.iter().zip(&held_after).enumerate() {
            if a > b {
                let allowed = oracle::available(bundle, &held_before, i);
                if allowed.is_some_and(|allowed| a - b > allowed) {
                    return Err(format!(
                        "oversell: session {id} variant #{i} took {} units with {allowed:?} available",
                        a - b
                    ));
                }
            }
        }
        Ok(())
    }

    async fn unchanged(&self, id: SessionId, version: u64, what: &str) -> Check {
        let now = self.version(id).await?;
        if now != version {
            return Err(format!(
                "{what} was refused but the session moved from version {version} to {now}"
            ));
        }
        Ok(())
    }

    /// A participant leaves (paid: full refund; pending: the invoice is expired).
    pub async fn leave(&mut self) -> Check {
        let Some(id) = self.pick_session(85, true).await? else {
            return Ok(());
        };
        let before = self.view(id).await?;
        let version = self.version(id).await?;
        let participant = match self.rng.pick(before.state().participants()) {
            Some(p) if self.rng.chance(95) => p.id,
            _ => ParticipantId::from_u128(0xF00D),
        };
        let r = self.replica();
        let now = self.clock(r);
        let predicted = oracle::leave(&before, participant, now);
        let fired = self.fired(r);
        let result = bounded(self.world.engine(r).leave(id, participant, now)).await?;
        let what = format!("leave {participant} from {id}");
        self.session_verdict(id, version, &what, predicted, result, r, fired)
            .await
    }

    /// An admin cancels a session.
    pub async fn cancel(&mut self) -> Check {
        let Some(id) = self.pick_session(50, true).await? else {
            return Ok(());
        };
        let before = self.view(id).await?;
        let version = self.version(id).await?;
        let order = self.row::<PurchaseOrderRecord>(id).await?;
        let predicted = oracle::cancel(&before, order.as_ref());
        let r = self.replica();
        let fired = self.fired(r);
        let now = self.clock(r);
        let result = bounded(self.world.engine(r).cancel(id, now)).await?;
        let what = format!("cancel {id} ({})", before.status());
        self.session_verdict(id, version, &what, predicted, result, r, fired)
            .await
    }

    /// The warehouse reports a purchase order's stock received.
    pub async fn stock_received(&mut self) -> Check {
        let awaiting: Vec<SessionId> = self
            .sessions()
            .await?
            .into_iter()
            .filter(|(_, s)| *s == SessionStatus::AwaitingStock)
            .map(|(id, _)| id)
            .collect();
        let id = match self.rng.pick(&awaiting) {
            Some(id) if self.rng.chance(85) => *id,
            _ => match self.pick_session(0, false).await? {
                Some(id) => id,
                None => return Ok(()),
            },
        };
        self.receive(id, true).await
    }

    /// `stock_received` for one session (or, if `partly` and half the time, a part
    /// of what its open purchase order still expects), checked against the rules.
    pub async fn receive(&mut self, id: SessionId, partly: bool) -> Check {
        let before = self.view(id).await?;
        let version = self.version(id).await?;
        let order = self.row::<PurchaseOrderRecord>(id).await?;
        let part = match order.filter(PurchaseOrderRecord::is_open) {
            Some(order) if partly && self.rng.chance(50) => self.part_of(&order.outstanding()),
            _ => None,
        };
        let r = self.replica();
        let fired = self.fired(r);
        let now = self.clock(r);
        let (predicted, result, what) = match part {
            Some(part) => {
                let result =
                    bounded(self.world.engine(r).receive_stock(id, &part.levels, now)).await?;
                if matches!(result, Ok(false)) {
                    self.stats.saw("purchase order received in part");
                }
                let what = format!("{} of the purchase order of {id} received", part.units);
                (Ok(part.closes), result.map(drop), what)
            }
            None => {
                let result = bounded(self.world.engine(r).stock_received(id, now)).await?;
                let what = format!("stock received for {id} ({})", before.status());
                (oracle::stock_received(&before), result, what)
            }
        };
        self.session_verdict(id, version, &what, predicted, result, r, fired)
            .await
    }

    /// Some of the units still expected: a random number of the first line's.
    fn part_of(&mut self, outstanding: &[StockLevel]) -> Option<Receipt> {
        let first = outstanding.first()?;
        let units = self.rng.range(1, first.units);
        let closes = outstanding.len() == 1 && units == first.units;
        Some(Receipt {
            levels: vec![StockLevel::new(first.variant, units)],
            units,
            closes,
        })
    }

    #[allow(clippy::too_many_arguments)]
    async fn session_verdict(
        &mut self,
        id: SessionId,
        version: u64,
        what: &str,
        predicted: Verdict,
        result: Result<(), patungan_engine::EngineError>,
        r: usize,
        fired: u64,
    ) -> Check {
        match self.classify(r, fired, result).await? {
            Call::Done(()) => {
                let moved = self.version(id).await? != version;
                expect(what, predicted, Ok(moved))?;
                self.note(format!("{what}: ok"));
            }
            Call::Refused(e) => {
                expect(what, predicted, Err(e.code()))?;
                self.stats.refused(e.code());
                self.unchanged(id, version, what).await?;
                self.note(format!("{what}: refused {}", e.code()));
            }
            Call::Faulted => self.note(format!("{what}: interrupted")),
        }
        Ok(())
    }

    /// Units arrive at the warehouse outside any purchase order.
    pub async fn add_stock(&mut self) -> Check {
        let grosir: Vec<_> = self
            .setup
            .products
            .iter()
            .filter_map(|p| p.grosir.clone().map(|g| (p.id, g)))
            .collect();
        let Some((product, grosir)) = self.rng.pick(&grosir).cloned() else {
            return Ok(());
        };
        let mut levels = Vec::new();
        for v in grosir.bundle.variants() {
            if self.rng.chance(60) {
                levels.push(StockLevel::new(
                    v.variant,
                    self.rng.range(1, 3 * v.units_per_bundle),
                ));
            }
        }
        let r = self.replica();
        let fired = self.fired(r);
        let result = bounded(self.world.engine(r).add_stock(product, &levels)).await?;
        match self.classify(r, fired, result).await? {
            Call::Done(()) => {
                for level in &levels {
                    *self
                        .model
                        .stock_added
                        .entry((product, level.variant))
                        .or_insert(0) += level.units;
                }
                self.note(format!("stock added for {product}: {levels:?}"));
                Ok(())
            }
            Call::Refused(e) => Err(format!("add_stock refused: {} ({e})", e.code())),
            // One transaction: a fault before its commit leaves nothing behind.
            Call::Faulted => Ok(()),
        }
    }
}

/// Fails unless the engine's verdict is the predicted one.
pub fn expect(what: &str, predicted: Verdict, actual: Result<bool, &str>) -> Check {
    let same = match (&predicted, &actual) {
        (Ok(a), Ok(b)) => a == b,
        (Err(p), Err(a)) => oracle::code_matches(p, a),
        _ => false,
    };
    if same {
        Ok(())
    } else {
        Err(format!(
            "{what}: the rules say {predicted:?}, the engine did {actual:?}"
        ))
    }
}
