//! Runs the golden vectors of `tests/vectors/withdrawal.json` and `schedule.json`.
//!
//! A withdrawal case is a list of steps run in order against one ledger and one
//! `Withdrawals` state. Each step has `expect` (the value it must produce) or `error`
//! (a stable error code; the ledger and the withdrawals must then be unchanged). After
//! every step the ledger's invariants are re-checked.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::num::NonZeroUsize;
use std::path::Path;

use chrono::{DateTime, NaiveTime, Utc, Weekday};
use patungan_core::ledger::{Balances, Chart, ChartAccount, Ledger, WalletCredit};
use patungan_core::wallet::{
    BatchLimits, PayoutResult, Wallets, WithdrawalPolicy, WithdrawalRequest, WithdrawalSchedule,
    Withdrawals,
};
use patungan_core::{Currency, Money, MoneyError, UserId, WithdrawalId};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

fn load(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn parse<T: DeserializeOwned>(v: &Value) -> T {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("bad vector input {v}: {e}"))
}

type Code = String;

/// Validates every `{"amount", "currency"}` inside `v` so bad amounts yield their code.
fn check_money(v: &Value) -> Result<(), Code> {
    match v {
        Value::Object(map) => {
            if let (Some(Value::String(amount)), Some(Value::String(currency))) =
                (map.get("amount"), map.get("currency"))
            {
                let currency: Currency = currency
                    .parse()
                    .map_err(|e: MoneyError| e.code().to_owned())?;
                Money::parse(amount, currency).map_err(|e| e.code().to_owned())?;
            }
            map.values().try_for_each(check_money)
        }
        Value::Array(items) => items.iter().try_for_each(check_money),
        _ => Ok(()),
    }
}

/// Builds a schedule from its serde parts through the public constructors, so a vector
/// can name the error code of a bad schedule.
fn schedule(v: Option<&Value>) -> Result<WithdrawalSchedule, Code> {
    let Some(v) = v else {
        return Ok(WithdrawalSchedule::default());
    };
    let zone = WithdrawalSchedule::parse_zone(v["zone"].as_str().unwrap())
        .map_err(|e| e.code().to_owned())?;
    let weekdays: Vec<Weekday> = parse(&v["weekdays"]);
    let time: NaiveTime = parse(&v["local_time"]);
    WithdrawalSchedule::new(weekdays, time, zone).map_err(|e| e.code().to_owned())
}

struct Run {
    chart: Chart,
    ledger: Ledger,
    withdrawals: Withdrawals,
    schedule: WithdrawalSchedule,
    limits: BatchLimits,
}

impl Run {
    fn snapshot(&self) -> String {
        serde_json::to_string(&(&self.ledger, &self.withdrawals)).unwrap()
    }

    fn step(&mut self, step: &Value) -> Result<Value, Code> {
        let code = |e: patungan_core::wallet::WalletError| e.code().to_owned();
        let wallets = Wallets::new(self.chart);
        match step["op"].as_str().unwrap() {
            "credit" => {
                check_money(&step["credit"])?;
                let credit: WalletCredit = parse(&step["credit"]);
                Ok(json!(wallets
                    .credit(&mut self.ledger, &credit)
                    .map_err(code)?))
            }
            "request" => {
                check_money(&step["request"])?;
                let request: WithdrawalRequest = parse(&step["request"]);
                let id = request.id;
                let outcome = self
                    .withdrawals
                    .request(&mut self.ledger, request)
                    .map_err(code)?;
                let w = self.withdrawals.get(id).unwrap();
                Ok(json!({"outcome": outcome, "fee": w.fee(), "net": w.net()}))
            }
            "plan" => {
                let now: DateTime<Utc> = parse(&step["now"]);
                let batches = self.withdrawals.plan(now, &self.schedule, self.limits);
                Ok(Value::Array(
                    batches
                        .iter()
                        .map(|b| {
                            json!({
                                "key": b.key,
                                "items": b.items.iter().map(|i| json!({"key": i.key, "net": i.net})).collect::<Vec<_>>(),
                            })
                        })
                        .collect(),
                ))
            }
            "result" => {
                let result: PayoutResult = parse(&step["result"]);
                Ok(json!(self
                    .withdrawals
                    .apply_result(&mut self.ledger, &result)
                    .map_err(code)?))
            }
            "reverse" => {
                let id: WithdrawalId = parse(&step["withdrawal"]);
                Ok(json!(self
                    .withdrawals
                    .reverse(&mut self.ledger, id)
                    .map_err(code)?))
            }
            "wallet" => {
                let b = wallets
                    .balance(&self.ledger, parse::<UserId>(&step["user"]))
                    .map_err(code)?;
                Ok(json!({"posted": b.posted, "held": b.held, "available": b.available}))
            }
            "withdrawal" => {
                let w = self.withdrawals.get(parse(&step["withdrawal"])).unwrap();
                Ok(
                    json!({"status": w.status(), "attempts": w.attempts().len(), "failure_code": w.failure_code()}),
                )
            }
            "balances" => {
                let lines: Vec<Value> = step["expect"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|line| {
                        let id = self.chart.id(parse::<ChartAccount>(&line["account"]));
                        json!({"account": line["account"], "balances": self.ledger.account(id).map(|a| *a.balances())})
                    })
                    .collect();
                Ok(Value::Array(lines))
            }
            other => panic!("unknown op {other}"),
        }
    }
}

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
fn withdrawal_vectors() {
    let file = load("withdrawal.json");
    let mut steps_run = 0;
    for case in file["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let chart = Chart::new(parse(&case["currency"]));
        let policy: WithdrawalPolicy = case.get("policy").map(parse).unwrap_or_default();
        let limits = match case.get("max_items") {
            Some(n) => BatchLimits {
                max_items: NonZeroUsize::new(usize::try_from(n.as_u64().unwrap()).unwrap())
                    .unwrap(),
            },
            None => BatchLimits::default(),
        };
        let mut run = Run {
            chart,
            ledger: Ledger::new(),
            withdrawals: Withdrawals::new(chart, policy).unwrap(),
            schedule: schedule(case.get("schedule")).unwrap(),
            limits,
        };
        for (i, step) in case["steps"].as_array().unwrap().iter().enumerate() {
            let op = step["op"].as_str().unwrap();
            let before = run.snapshot();
            match (run.step(step), step.get("error")) {
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
                        run.snapshot(),
                        before,
                        "{name} step {i}: refused step changed state"
                    );
                }
                (Ok(actual), Some(want)) => {
                    panic!("{name} step {i} ({op}): expected error {want}, got {actual}")
                }
                (Err(code), None) => panic!("{name} step {i} ({op}): unexpected error {code}"),
            }
            run.ledger
                .verify()
                .unwrap_or_else(|e| panic!("{name} step {i}: {e}"));
            steps_run += 1;
        }
    }
    assert!(steps_run > 50, "only {steps_run} steps");
}

#[test]
fn schedule_vectors() {
    let file = load("schedule.json");
    let cases = file["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        match (schedule(case.get("schedule")), case.get("error")) {
            (Ok(s), None) => {
                let now: DateTime<Utc> = parse(&case["now"]);
                let last: DateTime<Utc> = parse(&case["last_at_or_before"]);
                let next: DateTime<Utc> = parse(&case["next_after"]);
                assert_eq!(s.last_instant_at_or_before(now), Some(last), "{name}: last");
                assert_eq!(s.next_after(now), Some(next), "{name}: next");
            }
            (Err(code), Some(want)) => assert_eq!(code, want.as_str().unwrap(), "{name}"),
            (Ok(_), Some(want)) => panic!("{name}: expected error {want}"),
            (Err(code), None) => panic!("{name}: unexpected error {code}"),
        }
    }
}
