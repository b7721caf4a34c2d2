//! Golden vectors for grosir availability (docs/domain.md §6) and the warehouse plan (§7).
//! The same JSON files are run by every language binding.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use patungan_core::grosir::{GrosirConfig, WarehousePlan};
use patungan_core::{Money, VariantId};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn cases(doc: &Value) -> &Vec<Value> {
    doc["cases"].as_array().expect("cases")
}

fn u64s(v: &Value) -> Vec<u64> {
    serde_json::from_value(v.clone()).expect("list of quantities")
}

#[test]
fn availability_vectors() {
    let doc = load("availability.json");
    let mut checked = 0;
    for case in cases(&doc) {
        let name = case["name"].as_str().expect("name");
        let bundle: GrosirConfig = serde_json::from_value(case["bundle"].clone()).expect(name);
        let orders = u64s(&case["orders"]);
        for query in case["queries"].as_array().expect("queries") {
            let variant: VariantId = serde_json::from_value(query["variant"].clone()).expect(name);
            let got = bundle.availability(variant, &orders);
            match (&got, query.get("expect_error")) {
                (Err(e), Some(code)) => assert_eq!(e.code(), code, "{name}"),
                (Ok(a), None) => {
                    assert_eq!(serde_json::to_value(a).unwrap(), query["expect"], "{name}");
                    assert_eq!(a.locked, a.available == Some(0), "{name}");
                }
                other => panic!("{name}: unexpected {other:?}"),
            }
            checked += 1;
        }
        for check in case["join_checks"].as_array().into_iter().flatten() {
            let variant: VariantId = serde_json::from_value(check["variant"].clone()).unwrap();
            let quantity = check["quantity"].as_u64().unwrap();
            let a = bundle.availability(variant, &orders).unwrap();
            assert_eq!(
                a.allows(quantity),
                check["allowed"].as_bool().unwrap(),
                "{name}: {quantity}"
            );
        }
        if let Some(expected) = case.get("production") {
            let p = bundle.production(&orders).unwrap();
            assert_eq!(p.bundles, expected["bundles"].as_u64().unwrap(), "{name}");
            let produced: Vec<u64> = p.lines.iter().map(|l| l.produced).collect();
            let excess: Vec<u64> = p.lines.iter().map(|l| l.excess).collect();
            let over: Vec<bool> = p.lines.iter().map(|l| l.over_tolerance).collect();
            assert_eq!(produced, u64s(&expected["produced"]), "{name}");
            assert_eq!(excess, u64s(&expected["excess"]), "{name}");
            assert_eq!(
                over,
                serde_json::from_value::<Vec<bool>>(expected["over_tolerance"].clone()).unwrap(),
                "{name}"
            );
        }
    }
    assert!(checked >= 15, "only {checked} availability queries ran");
}

#[test]
fn warehouse_plan_vectors() {
    let doc = load("warehouse_plan.json");
    assert!(cases(&doc).len() >= 3);
    for case in cases(&doc) {
        let name = case["name"].as_str().expect("name");
        let bundle: GrosirConfig = serde_json::from_value(case["bundle"].clone()).expect(name);
        let unit_cost: Money = serde_json::from_value(case["unit_cost"].clone()).expect(name);
        let leg1: Money = serde_json::from_value(case["leg1_shipping"].clone()).expect(name);
        let plan = WarehousePlan::compute(
            &u64s(&case["demand"]),
            &u64s(&case["stock"]),
            &bundle,
            unit_cost,
            leg1,
        )
        .expect(name);
        assert_eq!(
            serde_json::to_value(&plan).unwrap(),
            case["expect"],
            "{name}"
        );
        // The plan never under-supplies and B is the smallest bundle count that covers demand.
        for line in &plan.lines {
            assert!(line.stock + line.to_receive >= line.demand, "{name}");
        }
        if plan.bundles > 0 {
            let fewer = bundle
                .variants()
                .iter()
                .zip(&plan.lines)
                .any(|(v, l)| l.stock + (plan.bundles - 1) * v.units_per_bundle < l.demand);
            assert!(fewer, "{name}: {} bundles is not minimal", plan.bundles);
        }
        let back: WarehousePlan = serde_json::from_value(case["expect"].clone()).expect(name);
        assert_eq!(back, plan, "{name}");
    }
}
