//! Session API details: config validation, creation, replay of corrupted logs,
//! validation of loaded states, polling, previews and renewal effects.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use patungan_core::session::{
    Effect, Event, JoinRequest, Outcome, Session, SessionConfig, SessionError, SessionStatus,
};
use patungan_core::{
    BasisPoints, Currency, Money, Moq, ParticipantId, PaymentId, ProductId, SessionId, TierLadder,
    UserId,
};

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, h, m, 0).unwrap()
}

fn config() -> SessionConfig {
    let ladder = TierLadder::with_default_thresholds(
        Money::idr(200_000),
        [
            Money::idr(180_000),
            Money::idr(165_000),
            Money::idr(155_000),
            Money::idr(150_000),
        ],
    )
    .unwrap();
    SessionConfig::new(
        ProductId::from_u128(1),
        Moq::new(100).unwrap(),
        ladder,
        at(1, 0),
        at(13, 0),
        Money::idr(1_000_000),
    )
}

fn request(n: u128, quantity: u64) -> JoinRequest {
    JoinRequest {
        participant: ParticipantId::from_u128(n),
        user: UserId::from_u128(n),
        payment: PaymentId::from_u128(n),
        variant: None,
        quantity,
        expected_unit_price: Money::idr(200_000),
        courier_price: Money::idr(15_000),
    }
}

fn code<T: std::fmt::Debug>(r: Result<T, SessionError>) -> &'static str {
    r.unwrap_err().code()
}

#[test]
fn config_is_validated() {
    let id = SessionId::from_u128(1);
    let bad = |c: SessionConfig| code(Session::create(id, c, at(1, 0)));
    assert_eq!(
        bad(SessionConfig {
            end: at(1, 0),
            ..config()
        }),
        "session_config.empty_window"
    );
    let usd = Money::parse("10.50", Currency::USD).unwrap();
    assert_eq!(
        bad(SessionConfig {
            bulk_shipping_cost: usd,
            ..config()
        }),
        "session_config.currency_mismatch"
    );
    assert_eq!(
        bad(SessionConfig {
            success_threshold: Some(BasisPoints::ZERO),
            ..config()
        }),
        "session_config.zero_success_threshold"
    );
    assert_eq!(
        bad(SessionConfig {
            per_join_limit: 0,
            ..config()
        }),
        "session_config.zero_join_limit"
    );
    assert_eq!(
        bad(SessionConfig {
            invoice_ttl_seconds: 0,
            ..config()
        }),
        "session_config.zero_invoice_ttl"
    );
    assert_eq!(
        code(Session::create(id, config(), at(13, 0))),
        "session.created_after_end"
    );
    // JSON: everything after bulk_shipping_cost defaults.
    let mut json = serde_json::to_value(config()).unwrap();
    for key in [
        "grosir",
        "bot",
        "renewal",
        "success_threshold",
        "per_join_limit",
        "gateway_fee_rate",
        "invoice_ttl_seconds",
    ] {
        json.as_object_mut().unwrap().remove(key);
    }
    assert_eq!(
        serde_json::from_value::<SessionConfig>(json).unwrap(),
        config()
    );
}

#[test]
fn invoice_expiry_is_capped_at_end_and_costs_follow_the_breakdown() {
    let mut s = Session::create(
        SessionId::from_u128(1),
        SessionConfig {
            invoice_ttl_seconds: 3_600,
            ..config()
        },
        at(1, 0),
    )
    .unwrap();
    let early = s.join(&request(1, 10), at(2, 0)).unwrap();
    assert_eq!(early.invoice_expires_at, at(3, 0));
    // 10 × 200 000 + 10 × 10 000 + 15 000 + 3 % × 2 000 000.
    assert_eq!(early.cost.total, Money::idr(2_175_000));
    let late = s.join(&request(2, 1), at(12, 30)).unwrap();
    assert_eq!(late.invoice_expires_at, at(13, 0));
    assert_eq!(late.outcome, Outcome::Applied);
}

#[test]
fn reserve_is_only_a_capacity_hint() {
    let mut s = Session::create(SessionId::from_u128(1), config(), at(1, 0)).unwrap();
    let before = s.clone();
    s.reserve(10_000);
    assert_eq!(s, before);
    s.join(&request(1, 5), at(2, 0)).unwrap();
    assert_eq!(s.state().participants().len(), 1);
}

#[test]
fn polling_drains_in_order() {
    let mut s = Session::create(SessionId::from_u128(1), config(), at(1, 0)).unwrap();
    s.join(&request(1, 5), at(2, 0)).unwrap();
    assert_eq!(s.pending_events().len(), 2);
    assert!(matches!(s.poll_event(), Some(Event::Created { .. })));
    assert!(matches!(s.poll_event(), Some(Event::Joined { .. })));
    assert_eq!(s.poll_event(), None);
    assert!(matches!(
        s.poll_effect(),
        Some(Effect::CreateInvoice { .. })
    ));
    assert_eq!(s.poll_effect(), None);
    // The unpaid join's 30-minute payment window closes first.
    assert_eq!(s.poll_timeout(), Some(at(2, 30)));
    s.payment_confirmed(
        PaymentId::from_u128(1),
        s.state().participants()[0].cost.total,
        at(2, 10),
    )
    .unwrap();
    // Paid: the bot check at end − 10 min is next.
    assert_eq!(s.poll_timeout(), Some(at(12, 50)));
    // Disabled bot: the only deadline is the end.
    let quiet = Session::create(
        SessionId::from_u128(2),
        SessionConfig {
            bot: patungan_core::BotPolicy::disabled(),
            ..config()
        },
        at(1, 0),
    )
    .unwrap();
    assert_eq!(quiet.poll_timeout(), Some(at(13, 0)));
}

#[test]
fn preview_uses_paid_plus_bot_fill() {
    let mut s = Session::create(SessionId::from_u128(1), config(), at(1, 0)).unwrap();
    let r = s.join(&request(1, 20), at(2, 0)).unwrap();
    assert_eq!(
        s.preview(0).unwrap().filled_quantity,
        0,
        "pending units do not count"
    );
    s.payment_confirmed(r.payment, r.cost.total, at(2, 5))
        .unwrap();
    s.handle_timeout(at(12, 50), &[]).unwrap();
    let p = s.preview(30).unwrap();
    assert_eq!(p.filled_quantity, 25);
    assert_eq!(p.price_if_closed_now, Money::idr(165_000));
    assert_eq!(p.units_to_next_rung, Some(20));
}

#[test]
fn corrupted_logs_and_states_are_refused() {
    let mut s = Session::create(SessionId::from_u128(1), config(), at(1, 0)).unwrap();
    s.join(&request(1, 5), at(2, 0)).unwrap();
    let log = s.drain_events();
    assert_eq!(
        code(Session::replay(&log[1..])),
        "session.inconsistent_event"
    );
    let mut replayed = Session::replay(&log).unwrap();
    let before = replayed.clone();
    // The same join twice, a created event mid-log, a confirmation of an unknown payment.
    assert_eq!(code(replayed.apply(&log[1])), "session.inconsistent_event");
    assert_eq!(code(replayed.apply(&log[0])), "session.inconsistent_event");
    let stray = Event::PaymentConfirmed {
        participant: ParticipantId::from_u128(9),
        payment: PaymentId::from_u128(9),
        amount: Money::idr(1),
        at: at(3, 0),
    };
    assert_eq!(code(replayed.apply(&stray)), "session.inconsistent_event");
    assert_eq!(replayed, before, "refused events change nothing");

    // A persisted state with two participants under one id is refused on load.
    let mut json = serde_json::to_value(s.state()).unwrap();
    let participants = json["participants"].as_array_mut().unwrap();
    let mut twin = participants[0].clone();
    twin["payment"] = serde_json::json!(PaymentId::from_u128(77));
    participants.push(twin);
    let err = serde_json::from_value::<patungan_core::session::SessionState>(json).unwrap_err();
    assert!(err.to_string().contains("already used"), "{err}");
}

#[test]
fn success_threshold_and_renewal_can_be_configured() {
    let c = SessionConfig {
        success_threshold: Some(BasisPoints::new(5_000)),
        renewal: false,
        ..config()
    };
    let mut s = Session::create(SessionId::from_u128(1), c, at(1, 0)).unwrap();
    let r = s.join(&request(1, 30), at(2, 0)).unwrap();
    s.payment_confirmed(r.payment, r.cost.total, at(2, 0))
        .unwrap();
    s.handle_timeout(at(13, 0) + TimeDelta::seconds(1), &[])
        .unwrap();
    assert_eq!(
        s.status(),
        SessionStatus::Failed,
        "30 % is below the 50 % threshold"
    );
    let effects = s.drain_effects();
    assert!(effects.iter().all(|e| e.kind() != "renew_session"));
    assert_eq!(
        effects
            .iter()
            .filter(|e| e.kind() == "refund_payment")
            .count(),
        1
    );
}

#[test]
fn renewal_effect_creates_the_next_session() {
    let mut s = Session::create(SessionId::from_u128(1), config(), at(1, 0)).unwrap();
    s.handle_timeout(at(13, 0), &[]).unwrap();
    let renewal = s
        .drain_effects()
        .into_iter()
        .find_map(|e| match e {
            Effect::RenewSession(r) => Some(r),
            _ => None,
        })
        .unwrap();
    assert_eq!(renewal.previous, SessionId::from_u128(1));
    assert_eq!(
        (renewal.config.start, renewal.config.end),
        (at(17, 0), at(17, 0) + TimeDelta::days(1))
    );
    let next = Session::create(SessionId::from_u128(2), renewal.config.clone(), at(13, 1)).unwrap();
    assert_eq!(
        code(next.clone().join(&request(1, 1), at(13, 1))),
        "session.not_started"
    );
    assert_eq!(next.state().config().ladder, config().ladder);
}

#[test]
fn queued_events_and_effects_round_trip_through_json() {
    let mut s = Session::create(SessionId::from_u128(1), config(), at(1, 0)).unwrap();
    let r = s.join(&request(1, 30), at(2, 0)).unwrap();
    s.payment_confirmed(r.payment, r.cost.total, at(2, 0))
        .unwrap();
    s.join(&request(2, 1), at(2, 0)).unwrap();
    s.handle_timeout(at(13, 0), &[]).unwrap();
    // Persisted with its queues, the session comes back identical.
    let json = serde_json::to_string(&s).unwrap();
    assert_eq!(serde_json::from_str::<Session>(&json).unwrap(), s);
    let effects = s.drain_effects();
    let kinds: Vec<&str> = effects.iter().map(Effect::kind).collect();
    assert_eq!(
        kinds,
        [
            "create_invoice",
            "notify",
            "create_invoice",
            "expire_invoice",
            "notify",
            "reserve_stock",
            "create_order",
            "credit_cashback",
            "release_escrow",
            "notify",
            "renew_session"
        ]
    );
    let back: Vec<Effect> =
        serde_json::from_str(&serde_json::to_string(&effects).unwrap()).unwrap();
    assert_eq!(back, effects);
    let events = s.drain_events();
    let back: Vec<Event> = serde_json::from_str(&serde_json::to_string(&events).unwrap()).unwrap();
    assert_eq!(back, events);
}
