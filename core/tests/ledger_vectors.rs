//! Runs the golden vectors of `tests/vectors/ledger.json`.
//!
//! Each case is a list of steps run against one ledger (and the chart of its currency).
//! A step either succeeds with the value in `expect` or fails with the error code in
//! `error`, in which case the ledger must be unchanged. After every step the ledger's
//! invariants are re-checked (balances re-derived from the journal, Σ debits = Σ credits).
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use patungan_core::ledger::{
    AccountSpec, Balances, Chart, ChartAccount, LatePayment, Ledger, PaymentReceived, Refund,
    RefundSettlement, SuccessSplit, Transfer, WalletCredit, WalletDebit,
};
use patungan_core::{
    AccountId, BasisPoints, CostBreakdown, Currency, JoinCostInput, Money, Moq, ParticipantId,
    SessionId, UserId,
};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use uuid::Uuid;

fn load(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

type Code = String;

fn parse<T: DeserializeOwned>(v: &Value) -> T {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("bad vector input {v}: {e}"))
}

/// Validates every `{"amount", "currency"}` object inside `v` through `Money::parse`, so
/// a vector can expect `money.negative` or `money.too_many_decimals` for bad amounts.
fn check_money(v: &Value) -> Result<(), Code> {
    match v {
        Value::Object(map) => {
            if let (Some(Value::String(amount)), Some(Value::String(currency))) =
                (map.get("amount"), map.get("currency"))
            {
                let currency: Currency = currency
                    .parse()
                    .map_err(|e: patungan_core::MoneyError| e.code().to_owned())?;
                Money::parse(amount, currency).map_err(|e| e.code().to_owned())?;
            }
            map.values().try_for_each(check_money)
        }
        Value::Array(items) => items.iter().try_for_each(check_money),
        _ => Ok(()),
    }
}

/// An account named by id or by its place in the chart.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum AccountRef {
    Id(AccountId),
    Chart(ChartAccount),
}

fn resolve(chart: &Chart, v: &Value) -> AccountId {
    match parse::<AccountRef>(v) {
        AccountRef::Id(id) => id,
        AccountRef::Chart(a) => chart.id(a),
    }
}

fn recipe(chart: &Chart, name: &str, input: &Value) -> patungan_core::ledger::Posting {
    match name {
        "payment_received" => chart.payment_received(&parse::<PaymentReceived>(input)),
        "success_split" => chart.success_split(&parse::<SuccessSplit>(input)),
        "refund" => chart.refund(&parse::<Refund>(input)),
        "refund_settled" => chart.refund_settled(&parse::<RefundSettlement>(input)),
        "late_payment_refund" => chart.late_payment_refund(&parse::<LatePayment>(input)),
        "wallet_credit" => chart.wallet_credit(&parse::<WalletCredit>(input)),
        "wallet_debit" => chart.wallet_debit(&parse::<WalletDebit>(input)),
        other => panic!("unknown recipe {other}"),
    }
}

fn split_from_cost(step: &Value) -> Result<Value, Code> {
    let c = &step["cost"];
    let money = |v: &Value| -> Money { parse(v) };
    let input = JoinCostInput {
        quantity: c["quantity"].as_u64().unwrap(),
        group_price: money(&c["group_price"]),
        moq: Moq::new(c["moq"].as_u64().unwrap()).unwrap(),
        bulk_shipping_cost: money(&c["bulk_shipping_cost"]),
        courier_price: money(&c["courier_price"]),
        gateway_fee_rate: BasisPoints::new(
            u32::try_from(c["gateway_fee_rate"].as_u64().unwrap()).unwrap(),
        ),
    };
    let cost = CostBreakdown::for_join(&input).map_err(|e| e.code().to_owned())?;
    let split = SuccessSplit::from_cost(
        parse::<ParticipantId>(&step["participant"]),
        parse::<SessionId>(&step["session"]),
        parse::<UserId>(&step["user"]),
        &cost,
        money(&step["final_unit_price"]),
    )
    .map_err(|e| e.code().to_owned())?;
    Ok(serde_json::to_value(split).unwrap())
}

fn run_step(chart: &Chart, ledger: &mut Ledger, step: &Value) -> Result<Value, Code> {
    let code = |e: patungan_core::ledger::LedgerError| e.code().to_owned();
    match step["op"].as_str().unwrap() {
        "open" => {
            let spec: AccountSpec = parse(&step["account"]);
            Ok(serde_json::to_value(ledger.open(spec).map_err(code)?).unwrap())
        }
        "apply" => {
            check_money(&step["transfers"])?;
            let transfers: Vec<Transfer> = parse(&step["transfers"]);
            Ok(serde_json::to_value(ledger.apply(&transfers).map_err(code)?).unwrap())
        }
        "recipe" => {
            check_money(&step["input"])?;
            let posting = recipe(chart, step["recipe"].as_str().unwrap(), &step["input"]);
            Ok(serde_json::to_value(ledger.execute(&posting).map_err(code)?).unwrap())
        }
        "split_from_cost" => split_from_cost(step),
        "balances" => {
            let actual: Vec<Value> = step["expect"]
                .as_array()
                .unwrap()
                .iter()
                .map(|line| {
                    let id = resolve(chart, &line["account"]);
                    let balances = ledger.account(id).map(|a| *a.balances());
                    json!({"account": line["account"], "balances": balances})
                })
                .collect();
            Ok(Value::Array(actual))
        }
        "reconcile" => {
            let terminal: Vec<SessionId> = parse(&step["terminal_sessions"]);
            let report = ledger.reconcile(&terminal);
            Ok(json!({
                "clean": report.is_clean(),
                "unsettled_terminal_sessions": report.unsettled_terminal_sessions,
                "sessions": report.sessions.iter().map(|s| json!({
                    "session": s.session,
                    "paid_in": s.paid_in,
                    "paid_out": s.paid_out,
                    "pending_out": s.pending_out,
                    "balance": s.balance,
                    "settled": s.settled,
                })).collect::<Vec<_>>(),
            }))
        }
        other => panic!("unknown op {other}"),
    }
}

/// Compares balances numerically (so "1.50" equals "1.5"); everything else as JSON.
fn same(op: &str, actual: &Value, expect: &Value) -> bool {
    if op != "balances" {
        return actual == expect;
    }
    let lines = |v: &Value| -> Vec<Option<Balances>> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|l| parse(&l["balances"]))
            .collect()
    };
    lines(actual) == lines(expect)
}

#[test]
fn ledger_vectors() {
    let file = load("ledger.json");
    let cases = file["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    let mut steps_run = 0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let chart = Chart::new(parse(&case["currency"]));
        let mut ledger = Ledger::new();
        for (i, step) in case["steps"].as_array().unwrap().iter().enumerate() {
            let op = step["op"].as_str().unwrap();
            let before = serde_json::to_string(&ledger).unwrap();
            let result = run_step(&chart, &mut ledger, step);
            match (result, step.get("error")) {
                (Ok(actual), None) => {
                    assert!(
                        same(op, &actual, &step["expect"]),
                        "{name} step {i} ({op}): got {actual}, want {}",
                        step["expect"]
                    );
                }
                (Err(code), Some(want)) => {
                    assert_eq!(code, want.as_str().unwrap(), "{name} step {i} ({op})");
                    assert_eq!(
                        serde_json::to_string(&ledger).unwrap(),
                        before,
                        "{name} step {i}: refused step changed state"
                    );
                }
                (Ok(actual), Some(want)) => {
                    panic!("{name} step {i} ({op}): expected error {want}, got {actual}")
                }
                (Err(code), None) => panic!("{name} step {i} ({op}): unexpected error {code}"),
            }
            ledger
                .verify()
                .unwrap_or_else(|e| panic!("{name} step {i}: {e}"));
            steps_run += 1;
        }
    }
    assert!(steps_run > 50, "only {steps_run} steps");
}

#[test]
fn derived_id_vectors() {
    let file = load("ledger.json");
    for v in file["derived_ids"].as_array().unwrap() {
        let base: Uuid = parse(&v["base"]);
        let id = patungan_core::ledger::derive_uuid(base, v["purpose"].as_u64().unwrap());
        assert_eq!(id, parse::<Uuid>(&v["expect"]), "derive {v}");
    }
    for v in file["chart_ids"].as_array().unwrap() {
        let chart = Chart::new(parse(&v["currency"]));
        assert_eq!(
            chart.id(parse(&v["account"])),
            parse::<AccountId>(&v["expect"]),
            "chart {v}"
        );
    }
    for v in file["transfer_ids"].as_array().unwrap() {
        let chart = Chart::new(parse(&v["currency"]));
        let posting = recipe(&chart, v["recipe"].as_str().unwrap(), &v["input"]);
        let ids: Vec<Value> = posting
            .transfers
            .iter()
            .map(|t| serde_json::to_value(t.id).unwrap())
            .collect();
        assert_eq!(Value::Array(ids), v["expect"], "transfer ids {v}");
    }
}
