//! Runs the whole-session golden scenarios in `vectors/session_scenarios.json`
//! (the same file every language binding runs). See the file's "format" entry.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use patungan_core::session::{Event, Input, Outcome, Session, SessionConfig};
use patungan_core::SessionId;
use serde_json::Value;

fn load() -> Value {
    let path = format!(
        "{}/tests/vectors/session_scenarios.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `expected` is a subset of `actual`: objects key by key, arrays element-wise
/// with the same length, anything else equal.
fn subset(expected: &Value, actual: &Value, path: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e.iter().try_for_each(|(k, v)| {
            let at = format!("{path}.{k}");
            let got = a
                .get(k)
                .ok_or_else(|| format!("{at}: missing in {actual}"))?;
            subset(v, got, &at)
        }),
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!(
                    "{path}: expected {} items, got {}: {}",
                    e.len(),
                    a.len(),
                    serde_json::to_string_pretty(actual).unwrap()
                ));
            }
            e.iter()
                .zip(a)
                .enumerate()
                .try_for_each(|(i, (e, a))| subset(e, a, &format!("{path}[{i}]")))
        }
        _ if expected == actual => Ok(()),
        _ => Err(format!("{path}: expected {expected}, got {actual}")),
    }
}

fn check(expected: &Value, actual: &Value, what: &str) {
    if let Err(e) = subset(expected, actual, what) {
        panic!("{e}");
    }
}

#[test]
fn session_scenarios() {
    let doc = load();
    let scenarios = doc["scenarios"].as_array().expect("scenarios");
    assert!(scenarios.len() >= 12);
    let mut steps_run = 0;
    for scenario in scenarios {
        let name = scenario["name"].as_str().expect("name");
        let id: SessionId = serde_json::from_value(scenario["session_id"].clone()).expect(name);
        let config: SessionConfig = serde_json::from_value(scenario["config"].clone()).expect(name);
        let created_at = serde_json::from_value(scenario["created_at"].clone()).expect(name);
        let mut session = Session::create(id, config, created_at).expect(name);
        let mut log: Vec<Event> = session.drain_events();
        assert!(matches!(log.as_slice(), [Event::Created { .. }]), "{name}");
        for (i, step) in scenario["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .enumerate()
        {
            let at = format!("{name} step {i}");
            let input: Input = serde_json::from_value(step["input"].clone())
                .unwrap_or_else(|e| panic!("{at}: bad input: {e}"));
            let expect = &step["expect"];
            let before = serde_json::to_value(&session).unwrap();
            let result = session.handle(&input);
            if let Some(code) = expect.get("error") {
                let err = result.expect_err(&at);
                assert_eq!(err.code(), code, "{at}: {err}");
                assert_eq!(
                    serde_json::to_value(&session).unwrap(),
                    before,
                    "{at}: error changed the session"
                );
                steps_run += 1;
                continue;
            }
            let outcome = result.unwrap_or_else(|e| panic!("{at}: {} {e}", e.code()));
            let events = session.drain_events();
            let effects = session.drain_effects();
            let expected_outcome: Outcome =
                serde_json::from_value(expect["outcome"].clone()).expect(&at);
            assert_eq!(outcome, expected_outcome, "{at}");
            if outcome == Outcome::Unchanged {
                assert!(
                    events.is_empty() && effects.is_empty(),
                    "{at}: unchanged yet queued output"
                );
            }
            check(
                &expect["events"],
                &serde_json::to_value(&events).unwrap(),
                &format!("{at} events"),
            );
            check(
                &expect["effects"],
                &serde_json::to_value(&effects).unwrap(),
                &format!("{at} effects"),
            );
            if let Some(state) = expect.get("state") {
                check(
                    state,
                    &serde_json::to_value(session.state()).unwrap(),
                    &format!("{at} state"),
                );
            }
            if let Some(next) = expect.get("next_timeout") {
                check(
                    next,
                    &serde_json::to_value(session.poll_timeout()).unwrap(),
                    &format!("{at} next_timeout"),
                );
            }
            for query in expect["availability"].as_array().into_iter().flatten() {
                let variant = serde_json::from_value(query["variant"].clone()).unwrap();
                let a = session
                    .availability(variant)
                    .unwrap()
                    .expect("session has a bundle");
                check(
                    &query["expect"],
                    &serde_json::to_value(a).unwrap(),
                    &format!("{at} availability"),
                );
            }
            if let Some(preview) = expect.get("preview") {
                let p = session.preview(preview["extra"].as_u64().unwrap()).unwrap();
                check(
                    &preview["expect"],
                    &serde_json::to_value(p).unwrap(),
                    &format!("{at} preview"),
                );
            }
            log.extend(events);
            steps_run += 1;
        }
        // Event sourcing: the log rebuilds the live state; the session round-trips through JSON.
        let replayed = Session::replay(&log).unwrap_or_else(|e| panic!("{name}: replay: {e}"));
        assert_eq!(replayed.state(), session.state(), "{name}: replay differs");
        let json = serde_json::to_string(&session).unwrap();
        let back: Session = serde_json::from_str(&json).unwrap();
        assert_eq!(back, session, "{name}: JSON round trip differs");
    }
    assert!(steps_run >= 100, "only {steps_run} steps ran");
}

#[test]
fn scenarios_cover_the_acceptance_list() {
    let doc = load();
    let names: Vec<&str> = doc["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    for required in [
        "success_with_stock",
        "success_awaiting_stock",
        "failure_zero_payers",
        "cancel",
        "leave",
        "late_payment",
        "bot_top_up_at_window",
        "bot_top_up_at_expiry",
        "renewal_processed_late",
        "bad_inputs_change_nothing",
    ] {
        assert!(names.contains(&required), "missing scenario {required}");
    }
}
