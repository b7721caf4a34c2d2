//! Absurd session configurations are refused with typed errors: MOQ, thresholds,
//! success threshold, bot target, per-join limit, gateway fee, invoice lifetime,
//! dates far from the creation time, and a variant on a session without grosir.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use patungan_core::session::{Session, SessionConfig, SessionError};
use patungan_core::{BasisPoints, Money, Moq, ProductId, Rung, SessionId, TierLadder, VariantId};
use serde_json::{json, Value};

fn at(y: i32, mo: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, 0, 0, 0).unwrap()
}

fn now() -> DateTime<Utc> {
    at(2026, 1, 1)
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
        now(),
        now() + TimeDelta::days(1),
        Money::idr(1_000_000),
    )
}

fn create(c: SessionConfig) -> Result<Session, SessionError> {
    Session::create(SessionId::from_u128(1), c, now())
}

fn code(c: SessionConfig) -> &'static str {
    create(c).unwrap_err().code()
}

/// The config as JSON with one field replaced, parsed back.
fn from_json(edit: impl FnOnce(&mut Value)) -> Result<SessionConfig, serde_json::Error> {
    let mut value = serde_json::to_value(config()).unwrap();
    edit(&mut value);
    serde_json::from_value(value)
}

#[test]
fn moq_is_bounded() {
    let err = from_json(|v| v["moq"] = json!(u64::MAX)).unwrap_err();
    assert!(err.to_string().contains("at most 10000000"), "{err}");
    assert!(from_json(|v| v["moq"] = json!(10_000_001)).is_err());
    assert_eq!(
        from_json(|v| v["moq"] = json!(10_000_000))
            .unwrap()
            .moq
            .get(),
        10_000_000
    );
}

#[test]
fn rung_thresholds_above_the_moq_need_the_opt_in() {
    let err =
        from_json(|v| v["ladder"]["rungs"][3]["threshold"] = json!(4_000_000_000u32)).unwrap_err();
    assert!(err.to_string().contains("allow_above_moq"), "{err}");
    let opted = from_json(|v| {
        v["ladder"]["rungs"][3]["threshold"] = json!(20_000);
        v["ladder"]["allow_above_moq"] = json!(true);
    })
    .unwrap();
    assert!(create(opted).is_ok());
}

#[test]
fn success_threshold_is_bounded_by_the_ladder() {
    let high = |bp| SessionConfig {
        success_threshold: Some(BasisPoints::new(bp)),
        ..config()
    };
    assert_eq!(
        code(high(4_000_000_000)),
        "session_config.success_threshold_too_high"
    );
    assert_eq!(
        code(high(10_001)),
        "session_config.success_threshold_too_high"
    );
    assert!(create(high(10_000)).is_ok());
    let rungs = vec![
        Rung::new(BasisPoints::new(5_000), Money::idr(180_000)),
        Rung::new(BasisPoints::new(20_000), Money::idr(150_000)),
    ];
    let above = SessionConfig {
        ladder: TierLadder::allowing_above_moq(Money::idr(200_000), rungs).unwrap(),
        ..high(20_000)
    };
    assert!(create(above.clone()).is_ok());
    let err = create(SessionConfig {
        success_threshold: Some(BasisPoints::new(100_001)),
        ..above
    })
    .unwrap_err();
    assert_eq!(err.code(), "session_config.success_threshold_too_high");
}

#[test]
fn bot_target_is_bounded() {
    let err = from_json(|v| v["bot"]["target_bp"] = json!(4_000_000_000u32)).unwrap_err();
    assert!(err.to_string().contains("between 1 and 10000"), "{err}");
}

#[test]
fn invoice_lifetime_join_limit_and_fee_are_bounded() {
    let err = create(SessionConfig {
        invoice_ttl_seconds: u32::MAX,
        ..config()
    })
    .unwrap_err();
    assert_eq!(err.code(), "session_config.invoice_ttl_too_long");
    assert!(err.to_string().contains("7 days"), "{err}");
    assert!(create(SessionConfig {
        invoice_ttl_seconds: SessionConfig::MAX_INVOICE_TTL_SECONDS,
        ..config()
    })
    .is_ok());
    assert_eq!(
        code(SessionConfig {
            per_join_limit: u64::MAX,
            ..config()
        }),
        "session_config.join_limit_too_high"
    );
    assert_eq!(
        code(SessionConfig {
            gateway_fee_rate: BasisPoints::new(4_000_000_000),
            ..config()
        }),
        "session_config.gateway_fee_too_high"
    );
}

#[test]
fn dates_must_lie_within_five_years_of_creation() {
    let far = [
        (at(9999, 1, 1), at(9999, 1, 2)),
        (now(), at(9999, 12, 31)),
        (at(-1, 1, 1), now() + TimeDelta::days(1)),
        (now() - TimeDelta::days(1_827), now() + TimeDelta::days(1)),
        (now(), now() + TimeDelta::days(1_827)),
    ];
    for (start, end) in far {
        let err = create(SessionConfig {
            start,
            end,
            ..config()
        })
        .unwrap_err();
        assert_eq!(
            err.code(),
            "session_config.date_out_of_range",
            "{start} {end}"
        );
    }
    let edge = SessionConfig {
        start: now() - TimeDelta::days(1_826),
        end: now() + TimeDelta::days(1_826),
        ..config()
    };
    assert!(create(edge).is_ok());
}

#[test]
fn a_stored_state_loads_whatever_the_clock_says() {
    // Created in 2026, loaded (deserialised, replayed) without any clock: still valid.
    let mut session = create(config()).unwrap();
    let log = session.drain_events();
    let json = serde_json::to_string(&session).unwrap();
    let back: Session = serde_json::from_str(&json).unwrap();
    assert_eq!(back.state(), session.state());
    assert_eq!(Session::replay(&log).unwrap().state(), session.state());
    // The same config is refused for a session created ten years later.
    let later = Session::create(SessionId::from_u128(2), config(), at(2036, 1, 1));
    assert_eq!(
        later.unwrap_err().code(),
        "session_config.date_out_of_range"
    );
}

#[test]
fn a_variant_needs_a_grosir_bundle() {
    let c = config();
    let err = c.check_variant(Some(VariantId::from_u128(7))).unwrap_err();
    assert_eq!(err.code(), "session_config.variant_without_grosir");
    assert_eq!(c.check_variant(None), Ok(()));
}
