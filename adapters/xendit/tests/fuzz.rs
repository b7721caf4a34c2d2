//! Robustness: every webhook parser and the amount parsers are fed arbitrary and
//! mutated input and must return `Ok` or a typed error, never panic.
//!
//! Each property runs `PATUNGAN_FUZZ_CASES` cases (default 100 000), the count CI runs.
//! For a quick local run: `PATUNGAN_FUZZ_CASES=2000 cargo test -p patungan-xendit --test fuzz`.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use patungan_xendit::IdrAmount;
use patungan_xendit::{
    parse_amount_literal, parse_batch_disbursement_callback, parse_disbursement_callback,
    parse_idr_amount, parse_invoice_callback, parse_refund_callback, CallbackVerifier, Secret,
};
use proptest::prelude::*;
use proptest::test_runner::Config;

fn cases() -> u32 {
    std::env::var("PATUNGAN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

fn config() -> Config {
    Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    }
}

const FIXTURES: &[&str] = &[
    include_str!("fixtures/invoice_callback_paid.json"),
    include_str!("fixtures/invoice_callback_settled.json"),
    include_str!("fixtures/invoice_callback_expired.json"),
    include_str!("fixtures/refund_callback_succeeded.json"),
    include_str!("fixtures/refund_callback_failed.json"),
    include_str!("fixtures/disbursement_callback_completed.json"),
    include_str!("fixtures/disbursement_callback_failed.json"),
    include_str!("fixtures/batch_callback_partial.json"),
];

const KEYS: &[&str] = &[
    "id",
    "external_id",
    "status",
    "amount",
    "paid_amount",
    "paid_at",
    "currency",
    "payment_method",
    "payment_channel",
    "event",
    "data",
    "reference_id",
    "failure_code",
    "disbursements",
];

const STRINGS: &[&str] = &[
    "\"PAID\"",
    "\"SETTLED\"",
    "\"EXPIRED\"",
    "\"PENDING\"",
    "\"COMPLETED\"",
    "\"FAILED\"",
    "\"REVERSED\"",
    "\"SUCCEEDED\"",
    "\"refund.succeeded\"",
    "\"refund.failed\"",
    "\"9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d\"",
    "\"2024-05-01T04:12:33.000Z\"",
    "\"IDR\"",
    "\"USD\"",
    "\"\"",
    "null",
    "true",
    "[]",
    "{}",
    "{\"id\":\"r1\",\"reference_id\":\"ref\",\"status\":\"SUCCEEDED\"}",
    "[{\"id\":\"d1\",\"external_id\":\"e1\",\"status\":\"FAILED\",\"failure_code\":\"X\"}]",
];

/// A small, fast deterministic generator (xorshift64*): proptest draws one seed per case
/// and the input is expanded from it, which keeps 100 000 cases cheap even in debug builds.
struct Gen(u64);

impl Gen {
    fn new(seed: u64) -> Self {
        Gen(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let len = self.below(max + 1);
        (0..len).map(|_| self.next() as u8).collect()
    }

    /// A JSON literal: a known value, a number-like token, or an arbitrary quoted string.
    fn literal(&mut self) -> String {
        match self.below(5) {
            0 => self.pick(STRINGS).to_owned(),
            1 => {
                let len = 1 + self.below(16);
                (0..len)
                    .map(|_| b"-+0123456789.eE"[self.below(15)] as char)
                    .collect()
            }
            2 => {
                serde_json::to_string(&String::from_utf8_lossy(&self.bytes(24))).unwrap_or_default()
            }
            3 => self.next().to_string(),
            _ => format!("{}.{}", self.next() % 10_000_000, self.below(1000)),
        }
    }

    /// A JSON object (possibly invalid JSON when a number-like token is malformed) built
    /// from the fields the parsers read.
    fn object(&mut self) -> Vec<u8> {
        let fields: Vec<String> = (0..self.below(10))
            .map(|_| format!("\"{}\":{}", self.pick(KEYS), self.literal()))
            .collect();
        format!("{{{}}}", fields.join(",")).into_bytes()
    }

    /// A documented fixture with a few bytes overwritten and possibly truncated.
    fn mutated_fixture(&mut self) -> Vec<u8> {
        let mut bytes = self.pick(FIXTURES).as_bytes().to_vec();
        for _ in 0..self.below(6) {
            let at = self.below(bytes.len());
            bytes[at] = self.next() as u8;
        }
        if self.below(2) == 0 {
            let cut = self.below(bytes.len() + 1);
            bytes.truncate(cut);
        }
        bytes
    }

    /// A fixture with one string or number value replaced by another literal.
    fn swapped_value(&mut self) -> Vec<u8> {
        let text = self.pick(FIXTURES);
        let key = self.pick(KEYS);
        let needle = format!("\"{key}\": ");
        match text.find(&needle) {
            Some(at) => {
                let start = at + needle.len();
                let rest = &text[start..];
                let end = rest.find([',', '\n', '}']).unwrap_or(rest.len());
                format!("{}{}{}", &text[..start], self.literal(), &rest[end..]).into_bytes()
            }
            None => text.as_bytes().to_vec(),
        }
    }
}

fn input() -> impl Strategy<Value = Vec<u8>> {
    any::<u64>().prop_map(|seed| {
        let mut g = Gen::new(seed);
        match g.below(4) {
            0 => g.bytes(256),
            1 => g.object(),
            2 => g.mutated_fixture(),
            _ => g.swapped_value(),
        }
    })
}

fn amount_text() -> impl Strategy<Value = String> {
    any::<u64>().prop_map(|seed| {
        let mut g = Gen::new(seed);
        match g.below(4) {
            0 => String::from_utf8_lossy(&g.bytes(40)).into_owned(),
            1 => {
                let len = g.below(40);
                (0..len)
                    .map(|_| b"-+0123456789.eE\" "[g.below(17)] as char)
                    .collect()
            }
            2 => format!("{}e{}", g.next(), g.below(40)),
            _ => g.literal(),
        }
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn invoice_callback_parser_never_panics(body in input()) {
        if let Err(e) = parse_invoice_callback(&body) {
            prop_assert!(e.code().starts_with("xendit.webhook."));
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn refund_callback_parser_never_panics(body in input()) {
        if let Err(e) = parse_refund_callback(&body) {
            prop_assert!(e.code().starts_with("xendit.webhook."));
        }
    }

    #[test]
    fn disbursement_callback_parser_never_panics(body in input()) {
        if let Err(e) = parse_disbursement_callback(&body) {
            prop_assert!(e.code().starts_with("xendit.webhook."));
        }
    }

    #[test]
    fn batch_callback_parser_never_panics(body in input()) {
        match parse_batch_disbursement_callback(&body) {
            Ok(items) => prop_assert!(items.iter().all(|n| !n.external_id.is_empty())),
            Err(e) => prop_assert!(e.code().starts_with("xendit.webhook.")),
        }
    }

    #[test]
    fn idr_wire_amounts_never_panic(mantissa in any::<i64>(), scale in 0u32..8, currency in 0usize..7) {
        let currency = patungan_core::Currency::ALL[currency];
        let amount = rust_decimal::Decimal::new(mantissa, scale);
        if let Ok(money) = patungan_core::Money::new(amount, currency) {
            match IdrAmount::from_money(&money) {
                Ok(wire) => {
                    prop_assert_eq!(currency, patungan_core::Currency::IDR);
                    prop_assert_eq!(wire.to_money(), money);
                }
                Err(e) => prop_assert!(e.code().starts_with("amount.")),
            }
        }
    }

    #[test]
    fn amount_parsers_never_panic(text in amount_text()) {
        match parse_amount_literal(&text) {
            Ok(value) => prop_assert!(!value.is_sign_negative() || value.is_zero()),
            Err(e) => prop_assert!(e.code().starts_with("amount.")),
        }
        if let Err(e) = parse_idr_amount(&text) {
            prop_assert!(!e.code().is_empty());
        }
    }

    #[test]
    fn callback_token_check_never_panics(seed in any::<u64>(), near in any::<bool>()) {
        let mut g = Gen::new(seed);
        let header = if near {
            // The token with one byte changed, or cut short.
            let mut h = b"token-0123456789".to_vec();
            let at = g.below(h.len());
            h[at] = g.next() as u8;
            h.truncate(g.below(h.len() + 1).max(at));
            h
        } else {
            g.bytes(64)
        };
        let verifier = CallbackVerifier::new(Secret::new("token-0123456789"));
        prop_assert_eq!(
            verifier.verify(Some(&header)).is_ok(),
            header == b"token-0123456789"
        );
    }
}

proptest! {
    #[test]
    fn whole_numbers_round_trip(n in any::<u64>()) {
        let parsed = parse_idr_amount(&n.to_string()).unwrap();
        prop_assert_eq!(parsed, patungan_core::Money::idr(n));
        let quoted = parse_idr_amount(&format!("\"{n}\"")).unwrap();
        prop_assert_eq!(quoted, patungan_core::Money::idr(n));
    }
}

/// The generator is worth its cases only if it also produces inputs the parsers accept.
#[test]
fn generator_reaches_valid_callbacks() {
    let mut accepted = [0usize; 4];
    for seed in 0..4_000u64 {
        let mut g = Gen::new(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let body = match g.below(4) {
            0 => g.bytes(256),
            1 => g.object(),
            2 => g.mutated_fixture(),
            _ => g.swapped_value(),
        };
        accepted[0] += usize::from(parse_invoice_callback(&body).is_ok());
        accepted[1] += usize::from(parse_refund_callback(&body).is_ok());
        accepted[2] += usize::from(parse_disbursement_callback(&body).is_ok());
        accepted[3] += usize::from(parse_batch_disbursement_callback(&body).is_ok());
    }
    assert!(
        accepted.iter().all(|&n| n > 10),
        "accepted per parser: {accepted:?}"
    );
}
