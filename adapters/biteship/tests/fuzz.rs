//! Robustness: the webhook parser, the signature check, the status mapping and the
//! amount parsers are fed arbitrary and mutated input and must return `Ok` or a typed
//! error, never panic.
//!
//! Each property runs `PATUNGAN_FUZZ_CASES` cases (default 100 000), the count CI runs.
//! For a quick local run: `PATUNGAN_FUZZ_CASES=2000 cargo test -p patungan-biteship --test fuzz`.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use patungan_biteship::IdrAmount;
use patungan_biteship::{
    parse_amount_literal, parse_idr_amount, parse_status, parse_webhook, signature_hex,
    BiteshipWebhook, Secret,
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
    include_str!("fixtures/webhook_order_status.json"),
    include_str!("fixtures/webhook_order_waybill.json"),
    include_str!("fixtures/webhook_order_price.json"),
];

const KEYS: &[&str] = &[
    "event",
    "order_id",
    "status",
    "courier_waybill_id",
    "courier_tracking_id",
    "price",
    "order_price",
    "shippment_fee",
    "updated_at",
];

const STRINGS: &[&str] = &[
    "\"order.status\"",
    "\"order.waybill_id\"",
    "\"order.price\"",
    "\"confirmed\"",
    "\"scheduled\"",
    "\"pickingUp\"",
    "\"picking_up\"",
    "\"dropping_off\"",
    "\"delivered\"",
    "\"returnInTransit\"",
    "\"courier_not_found\"",
    "\"in_transit\"",
    "\"5dd599ebdefcd4158eb8470b\"",
    "\"0123082100003094\"",
    "\"\"",
    "null",
    "false",
    "[]",
    "{}",
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
    fn webhook_parser_never_panics(body in input()) {
        match parse_webhook(&body) {
            Ok(n) => prop_assert!(!n.provider_order_id.is_empty()),
            Err(e) => {
                prop_assert!(e.code().starts_with("biteship.webhook."));
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    #[test]
    fn signed_webhook_check_never_panics(body in input(), seed in any::<u64>(), sign in any::<bool>()) {
        let secret = Secret::new("whsec-0123456789");
        let webhook = BiteshipWebhook::signed(secret.clone());
        let mut g = Gen::new(seed);
        let right = signature_hex(&secret, &body).into_bytes();
        let header: Vec<u8> = if sign {
            // The right signature, sometimes with one character changed.
            let mut s = right.clone();
            if g.below(2) == 0 {
                let at = g.below(s.len());
                s[at] = b"0123456789abcdefXYZ"[g.below(19)];
            }
            s
        } else {
            g.bytes(80)
        };
        let valid = header == right;
        match webhook.parse(Some(&header), &body) {
            Ok(_) => prop_assert!(valid),
            Err(e) => prop_assert!(!valid || !e.is_auth_failure()),
        }
    }

    #[test]
    fn status_mapping_never_panics(seed in any::<u64>()) {
        let mut g = Gen::new(seed);
        let text = match g.below(3) {
            0 => String::from_utf8_lossy(&g.bytes(40)).into_owned(),
            1 => g.pick(STRINGS).trim_matches('"').to_owned(),
            _ => {
                let len = g.below(24);
                (0..len).map(|_| b"abcdefghijklmnopqrstuvwxyz_ABCDEFGHIJ"[g.below(37)] as char).collect()
            }
        };
        if let Err(e) = parse_status(&text) {
            prop_assert_eq!(e.code(), "biteship.unknown_status");
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
}

/// The generator is worth its cases only if it also produces webhooks the parser accepts.
#[test]
fn generator_reaches_valid_webhooks() {
    let mut accepted = 0usize;
    for seed in 0..4_000u64 {
        let mut g = Gen::new(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let body = match g.below(4) {
            0 => g.bytes(256),
            1 => g.object(),
            2 => g.mutated_fixture(),
            _ => g.swapped_value(),
        };
        accepted += usize::from(parse_webhook(&body).is_ok());
    }
    assert!(accepted > 10, "accepted: {accepted}");
}
