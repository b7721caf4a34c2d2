//! Runs the golden vectors of `tests/vectors/{tier,bot,cost}.json`.
//!
//! Inputs are read field by field through the public constructors, so a vector can
//! name the error code a bad input must produce; outputs are compared as serde JSON.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use patungan_core::{
    BasisPoints, BotPolicy, CostBreakdown, Currency, JoinCostInput, Money, Moq, Rung, TierLadder,
};
use serde_json::Value;

fn load(name: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    let cases = file["cases"].as_array().unwrap().clone();
    assert!(!cases.is_empty(), "{name} has no cases");
    cases
}

type Code = &'static str;

fn money(v: &Value) -> Result<Money, Code> {
    let currency: Currency = v["currency"]
        .as_str()
        .unwrap()
        .parse()
        .map_err(|e: patungan_core::MoneyError| e.code())?;
    Money::parse(v["amount"].as_str().unwrap(), currency).map_err(|e| e.code())
}

fn moq(v: &Value) -> Result<Moq, Code> {
    Moq::new(v.as_u64().unwrap()).map_err(|e| e.code())
}

fn bp(v: &Value) -> BasisPoints {
    BasisPoints::new(u32::try_from(v.as_u64().unwrap()).unwrap())
}

fn ladder(v: &Value) -> Result<TierLadder, Code> {
    let group = money(&v["group_price"])?;
    let rungs = v["rungs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| Ok(Rung::new(bp(&r["threshold"]), money(&r["unit_price"])?)))
        .collect::<Result<Vec<_>, Code>>()?;
    TierLadder::new(group, rungs).map_err(|e| e.code())
}

/// Every key of `expect` must equal the same key of `actual`.
fn assert_subset(name: &str, actual: &Value, expect: &Value) {
    let expect = expect.as_object().unwrap();
    for (key, want) in expect {
        assert_eq!(actual.get(key), Some(want), "{name}: field {key}");
    }
}

fn check<T: serde::Serialize>(case: &Value, result: Result<T, Code>, subset: bool) {
    let name = case["name"].as_str().unwrap();
    match (result, case.get("error")) {
        (Ok(out), None) => {
            let actual = serde_json::to_value(out).unwrap();
            if subset {
                assert_subset(name, &actual, &case["expect"]);
            } else {
                assert_eq!(actual, case["expect"], "{name}");
            }
        }
        (Err(code), Some(want)) => assert_eq!(code, want.as_str().unwrap(), "{name}"),
        (Ok(out), Some(want)) => panic!(
            "{name}: expected error {want}, got {}",
            serde_json::to_string(&out).unwrap()
        ),
        (Err(code), None) => panic!("{name}: unexpected error {code}"),
    }
}

#[test]
fn tier_vectors() {
    let cases = load("tier.json");
    for case in &cases {
        let build = || -> Result<(TierLadder, Moq), Code> {
            Ok((ladder(&case["ladder"])?, moq(&case["moq"])?))
        };
        let filled = case["filled"].as_u64().unwrap();
        match case["op"].as_str().unwrap() {
            "preview" => {
                let extra = case["extra"].as_u64().unwrap();
                let result =
                    build().and_then(|(l, m)| l.preview(m, filled, extra).map_err(|e| e.code()));
                check(case, result, true);
            }
            "cashback" => {
                let qty = case["quantity"].as_u64().unwrap();
                let result =
                    build().and_then(|(l, m)| l.cashback(m, filled, qty).map_err(|e| e.code()));
                check(case, result, false);
            }
            other => panic!("unknown op {other}"),
        }
    }
    assert!(cases.len() >= 30);
}

#[test]
fn bot_vectors() {
    for case in &load("bot.json") {
        let p = &case["policy"];
        let result = (|| -> Result<u64, Code> {
            let policy = BotPolicy::new(
                p["enabled"].as_bool().unwrap(),
                bp(&p["target_bp"]),
                u32::try_from(p["window_seconds"].as_u64().unwrap()).unwrap(),
            )
            .map_err(|e| e.code())?;
            let moq = moq(&case["moq"])?;
            Ok(policy.top_up(
                moq,
                case["paid_real"].as_u64().unwrap(),
                case["existing_bot"].as_u64().unwrap(),
            ))
        })();
        check(case, result, false);
    }
}

#[test]
fn cost_vectors() {
    for case in &load("cost.json") {
        let i = &case["input"];
        let result = (|| -> Result<CostBreakdown, Code> {
            let input = JoinCostInput {
                quantity: i["quantity"].as_u64().unwrap(),
                group_price: money(&i["group_price"])?,
                moq: moq(&i["moq"])?,
                bulk_shipping_cost: money(&i["bulk_shipping_cost"])?,
                courier_price: money(&i["courier_price"])?,
                gateway_fee_rate: bp(&i["gateway_fee_rate"]),
            };
            CostBreakdown::for_join(&input).map_err(|e| e.code())
        })();
        check(case, result, false);
    }
}

#[test]
fn vector_inputs_round_trip_through_serde() {
    // The serde forms used in the vectors are the types' own: a host in another
    // language may deserialize them directly.
    for case in &load("cost.json") {
        if case.get("expect").is_some() {
            let input: JoinCostInput = serde_json::from_value(case["input"].clone()).unwrap();
            let out = CostBreakdown::for_join(&input).unwrap();
            assert_eq!(serde_json::to_value(out).unwrap(), case["expect"]);
        }
    }
    for case in &load("tier.json") {
        if case.get("error").is_none() {
            let l: TierLadder = serde_json::from_value(case["ladder"].clone()).unwrap();
            let again: TierLadder =
                serde_json::from_value(serde_json::to_value(&l).unwrap()).unwrap();
            assert_eq!(again, l);
        } else {
            assert!(
                serde_json::from_value::<TierLadder>(case["ladder"].clone()).is_err()
                    || Moq::new(case["moq"].as_u64().unwrap()).is_err()
            );
        }
    }
}
