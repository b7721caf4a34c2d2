//! Seeded model test of the session state machine: random interleavings of joins,
//! payments, failures, expiries, leaves, timers, stock arrival, cancels and
//! repeated inputs, with the invariants of the issue checked after every step.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use patungan_core::grosir::{GrosirConfig, StockLevel, VariantBundle};
use patungan_core::session::{
    Effect, Event, Input, JoinRequest, Outcome, ParticipantStatus, RefundReason, Session,
    SessionConfig, SessionError, SessionGrosir, SessionStatus,
};
use patungan_core::{
    BotPolicy, Money, Moq, ParticipantId, PaymentId, ProductId, SessionId, TierLadder, UserId,
    VariantId,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

const UNITS: [u64; 3] = [1, 2, 1];
const TOLERANCE: [u64; 3] = [2, 3, 1];

#[derive(Debug, Clone)]
struct Setup {
    moq: u64,
    grosir: bool,
    bot: bool,
    renewal: bool,
}

#[derive(Debug, Clone)]
enum Op {
    Join {
        variant: u8,
        quantity: u64,
        stale: bool,
    },
    Pay {
        who: usize,
        wrong: bool,
    },
    Fail {
        who: usize,
    },
    Expire {
        who: usize,
    },
    Leave {
        who: usize,
    },
    Advance {
        minutes: i64,
    },
    Timeout {
        stock: [u64; 3],
    },
    AtDeadline {
        stock: [u64; 3],
    },
    StockReceived,
    Cancel,
    Repeat,
}

fn setup() -> impl Strategy<Value = Setup> {
    (2u64..30, any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(moq, grosir, bot, renewal)| Setup {
            moq,
            grosir,
            bot,
            renewal,
        },
    )
}

fn op() -> impl Strategy<Value = Op> {
    let who = 0usize..64;
    prop_oneof![
        12 => (0u8..4, 0u64..7, prop::bool::weighted(0.05))
            .prop_map(|(variant, quantity, stale)| Op::Join { variant, quantity, stale }),
        10 => (who.clone(), prop::bool::weighted(0.05)).prop_map(|(who, wrong)| Op::Pay { who, wrong }),
        2 => who.clone().prop_map(|who| Op::Fail { who }),
        2 => who.clone().prop_map(|who| Op::Expire { who }),
        2 => who.prop_map(|who| Op::Leave { who }),
        4 => (0i64..50).prop_map(|minutes| Op::Advance { minutes }),
        2 => prop::array::uniform3(0u64..5).prop_map(|stock| Op::Timeout { stock }),
        2 => prop::array::uniform3(0u64..5).prop_map(|stock| Op::AtDeadline { stock }),
        2 => Just(Op::StockReceived),
        1 => Just(Op::Cancel),
        4 => Just(Op::Repeat),
    ]
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 1, 0, 0).unwrap()
}

fn variant(i: usize) -> VariantId {
    VariantId::from_u128(100 + i as u128)
}

fn config(s: &Setup) -> SessionConfig {
    let ladder = TierLadder::with_default_thresholds(
        Money::idr(1_000),
        [
            Money::idr(900),
            Money::idr(800),
            Money::idr(700),
            Money::idr(600),
        ],
    )
    .unwrap();
    let mut c = SessionConfig::new(
        ProductId::from_u128(1),
        Moq::new(s.moq).unwrap(),
        ladder,
        t0(),
        t0() + TimeDelta::hours(2),
        Money::idr(5_000),
    );
    if s.grosir {
        let variants = (0..3)
            .map(|i| VariantBundle::new(variant(i), UNITS[i], TOLERANCE[i]))
            .collect();
        c.grosir = Some(SessionGrosir {
            bundle: GrosirConfig::new(variants).unwrap(),
            factory_unit_cost: Money::idr(400),
        });
    }
    if !s.bot {
        c.bot = BotPolicy::disabled();
    }
    c.renewal = s.renewal;
    c.per_join_limit = 5;
    c
}

/// docs/domain.md §6 written out independently of the library.
fn oracle_available(held: &[u64], r: usize) -> u64 {
    let cap = (0..3)
        .filter(|&w| w != r)
        .map(|w| (held[w] + TOLERANCE[w]) / UNITS[w])
        .min()
        .unwrap();
    (cap * UNITS[r]).saturating_sub(held[r])
}

/// Units held per variant; with `closing_at`, a pending join whose payment window
/// closed by then no longer counts (a join or a timer at that instant closes it).
fn held_by_variant(session: &Session, closing_at: Option<DateTime<Utc>>) -> [u64; 3] {
    let mut held = [0; 3];
    for p in session.state().participants() {
        let closed = p.status == ParticipantStatus::Pending
            && closing_at.is_some_and(|now| p.invoice_expires_at <= now);
        if p.status.holds_availability() && !closed {
            let i = (0..3).find(|&i| Some(variant(i)) == p.variant).unwrap();
            held[i] += p.quantity;
        }
    }
    held
}

struct Model {
    session: Session,
    log: Vec<Event>,
    now: DateTime<Utc>,
    joined: Vec<(ParticipantId, PaymentId, Money)>,
    next_id: u128,
    last: Option<(Input, Result<Outcome, String>)>,
    refunded: BTreeMap<PaymentId, RefundReason>,
    received: BTreeSet<PaymentId>,
    ordered: BTreeSet<ParticipantId>,
    /// What the case exercised: event kinds, and error codes prefixed with "error:".
    seen: BTreeSet<String>,
}

fn stock_levels(stock: [u64; 3], grosir: bool) -> Vec<StockLevel> {
    if !grosir {
        return vec![];
    }
    (0..3)
        .map(|i| StockLevel::new(variant(i), stock[i]))
        .collect()
}

impl Model {
    /// The payment window (docs/domain.md §8): after an accepted timer before `end`, no pending
    /// join's window has closed; a user never holds more unpaid joins than allowed;
    /// every invoice expires at min(join + window, end).
    fn check_payment_window(
        &self,
        input: &Input,
        result: &Result<Outcome, String>,
    ) -> Result<(), TestCaseError> {
        let state = self.session.state();
        let config = state.config();
        let pending: Vec<_> = state
            .participants()
            .iter()
            .filter(|p| p.status == ParticipantStatus::Pending)
            .collect();
        if let (Input::Timeout { now, .. }, Ok(_)) = (input, result) {
            if *now < config.end {
                prop_assert!(
                    pending.iter().all(|p| p.invoice_expires_at > *now),
                    "a closed payment window still holds availability"
                );
            }
        }
        let mut per_user: BTreeMap<UserId, u32> = BTreeMap::new();
        for p in &pending {
            *per_user.entry(p.user).or_default() += 1;
        }
        prop_assert!(per_user
            .values()
            .all(|&n| n <= config.pending_joins_per_user));
        for p in state.participants() {
            let window = p.joined_at + config.invoice_ttl();
            prop_assert_eq!(p.invoice_expires_at, window.min(config.end));
        }
        if let Some(next) = self.session.poll_timeout() {
            if let Some(first) = pending.iter().map(|p| p.invoice_expires_at).min() {
                prop_assert!(next <= first, "poll_timeout misses a payment window");
            }
        }
        Ok(())
    }

    fn input(&mut self, op: &Op, setup: &Setup) -> Option<Input> {
        let now = self.now;
        let pick = |who: usize, joined: &[(ParticipantId, PaymentId, Money)]| {
            if joined.is_empty() || who >= 60 {
                // An id the session has never seen.
                (
                    ParticipantId::from_u128(9_999),
                    PaymentId::from_u128(9_999),
                    Money::idr(1),
                )
            } else {
                joined[who % joined.len()]
            }
        };
        Some(match *op {
            Op::Join {
                variant: v,
                quantity,
                stale,
            } => {
                self.next_id += 1;
                let id = self.next_id;
                Input::Join {
                    now,
                    request: JoinRequest {
                        participant: ParticipantId::from_u128(id),
                        user: UserId::from_u128(id % 7),
                        payment: PaymentId::from_u128(id),
                        // With a bundle: mostly a known variant, sometimes none.
                        // Without one: mostly none, sometimes a stray variant.
                        variant: if setup.grosir {
                            (v < 3).then(|| variant(v as usize))
                        } else {
                            (v == 3).then(|| variant(0))
                        },
                        quantity,
                        expected_unit_price: Money::idr(if stale { 999 } else { 1_000 }),
                        courier_price: Money::idr(2_000),
                    },
                }
            }
            Op::Pay { who, wrong } => {
                let (_, payment, total) = pick(who, &self.joined);
                let amount = if wrong {
                    total.checked_add(Money::idr(1)).unwrap()
                } else {
                    total
                };
                Input::PaymentConfirmed {
                    now,
                    payment,
                    amount,
                }
            }
            Op::Fail { who } => Input::PaymentFailed {
                now,
                payment: pick(who, &self.joined).1,
            },
            Op::Expire { who } => Input::PaymentExpired {
                now,
                payment: pick(who, &self.joined).1,
            },
            Op::Leave { who } => Input::Leave {
                now,
                participant: pick(who, &self.joined).0,
            },
            Op::Advance { minutes } => {
                self.now += TimeDelta::minutes(minutes);
                return None;
            }
            Op::Timeout { stock } => Input::Timeout {
                now,
                stock: stock_levels(stock, setup.grosir),
            },
            Op::AtDeadline { stock } => {
                if let Some(deadline) = self.session.poll_timeout() {
                    self.now = self.now.max(deadline);
                }
                Input::Timeout {
                    now: self.now,
                    stock: stock_levels(stock, setup.grosir),
                }
            }
            Op::StockReceived => Input::StockReceived { now },
            Op::Cancel => Input::Cancel { now },
            Op::Repeat => return self.last.as_ref().map(|(input, _)| input.clone()),
        })
    }

    fn step(&mut self, op: &Op, setup: &Setup) -> Result<(), TestCaseError> {
        let repeat = matches!(op, Op::Repeat);
        let Some(input) = self.input(op, setup) else {
            return Ok(());
        };
        let before = self.session.clone();
        let paid_before: Vec<(PaymentId, ParticipantId, Money, u64)> = before
            .state()
            .participants()
            .iter()
            .filter(|p| p.status == ParticipantStatus::Paid)
            .map(|p| (p.payment, p.id, p.cost.total, p.quantity))
            .collect();
        let held_before = if setup.grosir {
            held_by_variant(&before, Some(input.now()))
        } else {
            [0; 3]
        };
        let result = self.session.handle(&input);

        // A refused input changes nothing; an accepted one is checked below.
        let result = match result {
            Err(e) => {
                prop_assert_eq!(
                    &self.session,
                    &before,
                    "error {} changed the session",
                    e.code()
                );
                if let (
                    SessionError::NotEnoughAvailable {
                        variant: v,
                        requested,
                        available,
                        ..
                    },
                    true,
                ) = (&e, setup.grosir)
                {
                    let r = (0..3).find(|&i| variant(i) == *v).unwrap();
                    prop_assert_eq!(*available, oracle_available(&held_before, r));
                    prop_assert!(*requested > *available);
                }
                self.seen.insert(format!("error:{}", e.code()));
                Err(e.code().to_owned())
            }
            Ok(outcome) => Ok(outcome),
        };
        if repeat {
            let (_, original) = self.last.as_ref().unwrap();
            match (original, &result) {
                (Ok(_), Ok(outcome)) => prop_assert_eq!(
                    *outcome,
                    Outcome::Unchanged,
                    "a repeated input did something"
                ),
                (Err(a), Err(b)) => prop_assert_eq!(a, b),
                (a, b) => prop_assert!(false, "repeat changed the result: {:?} then {:?}", a, b),
            }
        }
        let events = self.session.drain_events();
        let effects = self.session.drain_effects();
        if result == Ok(Outcome::Unchanged) || result.is_err() {
            prop_assert!(events.is_empty() && effects.is_empty());
        }
        if !repeat {
            self.last = Some((input.clone(), result.clone()));
        }

        // Joins respect availability (§6) computed by an independent oracle.
        if let (Input::Join { request, .. }, Ok(Outcome::Applied)) = (&input, &result) {
            let cost = events.iter().find_map(|e| match e {
                Event::Joined { cost, .. } => Some(cost.total),
                _ => None,
            });
            self.joined
                .push((request.participant, request.payment, cost.unwrap()));
            if setup.grosir {
                let r = (0..3)
                    .find(|&i| Some(variant(i)) == request.variant)
                    .unwrap();
                prop_assert!(request.quantity <= oracle_available(&held_before, r));
            }
        }
        if setup.grosir {
            let held = held_by_variant(&self.session, None);
            prop_assert_eq!(&held[..], self.session.state().held_units());
        }
        self.check_payment_window(&input, &result)?;

        let state = self.session.state();
        let settled_now = events
            .iter()
            .any(|e| matches!(e, Event::Failed(_) | Event::Cancelled { .. }));
        let mut step_refunds = BTreeMap::new();
        for effect in &effects {
            match effect {
                Effect::RefundPayment {
                    payment,
                    amount,
                    reason,
                    participant,
                    ..
                } => {
                    // At most one refund per payment, ever, and always the full amount.
                    prop_assert!(
                        self.refunded.insert(*payment, *reason).is_none(),
                        "payment refunded twice"
                    );
                    let p = state.participant(*participant).unwrap();
                    prop_assert_eq!(*amount, p.cost.total);
                    step_refunds.insert(*payment, *reason);
                }
                Effect::CreditCashback {
                    participant,
                    amount,
                    ..
                } => {
                    // Cashback only to paid real participants, (group − final) × quantity.
                    let p = state.participant(*participant).unwrap();
                    prop_assert_eq!(p.status, ParticipantStatus::Paid);
                    let Some(patungan_core::session::Settlement::Succeeded(s)) = state.settlement()
                    else {
                        return Err(TestCaseError::fail("cashback without success"));
                    };
                    prop_assert_eq!(
                        *amount,
                        s.cashback_per_unit.checked_mul_qty(p.quantity).unwrap()
                    );
                }
                Effect::CreateOrder(order) => {
                    prop_assert!(
                        self.ordered.insert(order.participant),
                        "two orders for one participant"
                    );
                    prop_assert_eq!(
                        state.participant(order.participant).unwrap().status,
                        ParticipantStatus::Paid
                    );
                }
                Effect::ReserveStock { lines } => {
                    // The bot never counts as demand.
                    let units: u64 = lines.iter().map(|l| l.units).sum();
                    prop_assert_eq!(units, state.paid_real_quantity());
                }
                Effect::ReleaseEscrow(split) => {
                    let sum = Money::checked_sum(
                        split.escrow_total.currency(),
                        [
                            split.warehouse,
                            split.courier,
                            split.platform_fee,
                            split.cashback,
                        ],
                    )
                    .unwrap();
                    prop_assert_eq!(sum, split.escrow_total);
                    let paid_total = Money::checked_sum(
                        split.escrow_total.currency(),
                        state
                            .participants()
                            .iter()
                            .filter(|p| p.status == ParticipantStatus::Paid)
                            .map(|p| p.cost.total),
                    )
                    .unwrap();
                    prop_assert_eq!(paid_total, split.escrow_total);
                }
                _ => {}
            }
        }
        for event in &events {
            match event {
                Event::PaymentConfirmed { payment, .. }
                | Event::LatePaymentRefunded { payment, .. } => {
                    prop_assert!(self.received.insert(*payment), "payment received twice");
                }
                Event::Succeeded(s) => {
                    prop_assert_eq!(
                        s.paid_real_quantity,
                        paid_before.iter().map(|p| p.3).sum::<u64>()
                    );
                    if let Some(plan) = &s.plan {
                        let demand: u64 = plan.lines.iter().map(|l| l.demand).sum();
                        prop_assert_eq!(demand, s.paid_real_quantity, "bot counted as demand");
                    }
                    // No refunds for paid participants on success.
                    prop_assert!(step_refunds
                        .values()
                        .all(|r| *r == RefundReason::LatePayment));
                }
                _ => {}
            }
        }
        if settled_now {
            // Exactly one full refund per participant paid before failure/cancel.
            let expected: BTreeSet<PaymentId> = paid_before.iter().map(|p| p.0).collect();
            let got: BTreeSet<PaymentId> = step_refunds
                .iter()
                .filter(|(_, r)| {
                    matches!(
                        r,
                        RefundReason::SessionFailed | RefundReason::SessionCancelled
                    )
                })
                .map(|(p, _)| *p)
                .collect();
            prop_assert_eq!(got, expected);
        }
        // Every received payment is either still paid or refunded exactly once.
        for p in state.participants() {
            if self.received.contains(&p.payment) {
                let refunded = self.refunded.contains_key(&p.payment);
                let kept = matches!(p.status, ParticipantStatus::Paid);
                prop_assert!(
                    refunded != kept,
                    "payment {} neither kept nor refunded once",
                    p.payment
                );
            }
        }
        // Aggregates match a recount.
        let paid_qty: u64 = state
            .participants()
            .iter()
            .filter(|p| p.status == ParticipantStatus::Paid)
            .map(|p| p.quantity)
            .sum();
        prop_assert_eq!(paid_qty, state.paid_real_quantity());
        prop_assert_eq!(
            self.session.preview(0).unwrap().filled_quantity,
            paid_qty + state.bot_quantity()
        );
        prop_assert!(
            state.bot_quantity() >= before.state().bot_quantity(),
            "bot shrank"
        );
        prop_assert_eq!(
            self.session.poll_timeout().is_some(),
            state.status() == SessionStatus::Open
        );

        for event in &events {
            self.seen.insert(event.kind().to_owned());
            if let Event::BotChecked {
                bot_quantity,
                previous_bot_quantity,
                ..
            } = event
            {
                if bot_quantity > previous_bot_quantity {
                    self.seen.insert("bot_topped_up".to_owned());
                }
            }
        }
        if state.status() == SessionStatus::AwaitingStock {
            self.seen.insert("awaiting_stock".to_owned());
        }
        // Event sourcing and persistence.
        self.log.extend(events);
        let replayed =
            Session::replay(&self.log).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(replayed.state(), self.session.state(), "replay differs");
        let json = serde_json::to_string(&self.session).unwrap();
        let back: Session =
            serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &self.session, "JSON round trip differs");
        Ok(())
    }
}

#[test]
fn random_interleavings_keep_the_invariants() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(256);
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let strategy = (setup(), prop::collection::vec(op(), 1..60));
    let seen = std::cell::RefCell::new(BTreeSet::new());
    let result = runner.run(&strategy, |(setup, ops)| {
        let mut session = Session::create(SessionId::from_u128(1), config(&setup), t0()).unwrap();
        let log = session.drain_events();
        let mut model = Model {
            session,
            log,
            now: t0(),
            joined: Vec::new(),
            next_id: 0,
            last: None,
            refunded: BTreeMap::new(),
            received: BTreeSet::new(),
            ordered: BTreeSet::new(),
            seen: BTreeSet::new(),
        };
        for op in &ops {
            model.step(op, &setup)?;
        }
        seen.borrow_mut().extend(model.seen);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // The generator must keep reaching every interesting path.
    let seen = seen.into_inner();
    for needed in [
        "joined",
        "payment_confirmed",
        "payment_failed",
        "payment_expired",
        "late_payment_refunded",
        "left",
        "bot_topped_up",
        "succeeded",
        "awaiting_stock",
        "confirmed",
        "failed",
        "cancelled",
        "renewal_due",
        "error:session.not_enough_available",
        "error:session.zero_quantity",
        "error:session.stale_price",
        "error:session.not_open",
        "error:session.amount_mismatch",
        "payment_window_closed",
        "error:session.pending_join_limit",
        "error:session_config.variant_without_grosir",
    ] {
        assert!(
            seen.contains(needed),
            "no case reached {needed}; seen: {seen:?}"
        );
    }
}
