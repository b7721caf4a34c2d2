"""session_scenarios.json through the Python binding.

Same semantics as ``core/tests/session_scenarios.rs`` (see the file's ``format``):
each step's input is decoded into a typed input record and run by
``Session.handle``; an error must carry the expected code and leave the whole
session (state and queued output) unchanged; otherwise the outcome, the drained
event and effect records, the state, the next timeout, availability and preview are
encoded back to the core's JSON form and compared with the subset rule. After the
last step, replaying the event log rebuilds the state and the session round-trips
through JSON.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List
from uuid import UUID

import pytest

from conftest import VECTORS, preview_json, record, subset
from patungan import Error, Session, SessionConfig
from patungan._codec import encode, from_json
from patungan._native import parse_instant
from patungan.session import Event, Input

DOC = json.loads((VECTORS / "session_scenarios.json").read_text("utf-8"))
SCENARIOS: List[Dict[str, Any]] = DOC["scenarios"]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario(scenario: Dict[str, Any]) -> None:
    name = scenario["name"]
    config = from_json(SessionConfig, scenario["config"])
    session = Session.create(UUID(scenario["session_id"]), config, parse_instant(scenario["created_at"]))
    log: List[Event] = list(session.drain_events())
    assert [e.type for e in log] == ["created"]
    for i, step in enumerate(scenario["steps"]):
        at = f"{name} step {i}"
        key = f"session_scenarios.json#{name}#{i}"
        expect = step["expect"]
        data: Input = from_json(Input, step["input"])
        assert data.type == step["input"]["type"]
        before = session.to_json()
        if "error" in expect:
            with pytest.raises(Error) as raised:
                session.handle(data)
            assert raised.value.code == expect["error"], at
            assert session.to_json() == before, f"{at}: error changed the session"
            record(key, {"error": raised.value.code})
            continue
        outcome = session.handle(data)
        events = session.drain_events()
        effects = session.drain_effects()
        assert outcome == expect["outcome"], at
        if outcome == "unchanged":
            assert len(events) == 0 and len(effects) == 0, f"{at}: unchanged yet queued output"
        actual: Dict[str, Any] = {
            "outcome": outcome,
            "events": [encode(e) for e in events],
            "effects": [encode(e) for e in effects],
            "state": encode(session.state()),
            "next_timeout": encode(session.poll_timeout()),
        }
        # The lazy lists agree with their JSON form and their kinds.
        assert actual["events"] == json.loads(events.to_json()), at
        assert [e["type"] for e in actual["effects"]] == effects.kinds(), at
        subset(expect["events"], actual["events"], f"{at} events")
        subset(expect["effects"], actual["effects"], f"{at} effects")
        if "state" in expect:
            subset(expect["state"], actual["state"], f"{at} state")
        if "next_timeout" in expect:
            subset(expect["next_timeout"], actual["next_timeout"], f"{at} next_timeout")
        if "availability" in expect:
            actual["availability"] = []
            for query in expect["availability"]:
                a = session.availability(UUID(query["variant"]))
                assert a is not None, at
                actual["availability"].append(encode(a))
                subset(query["expect"], encode(a), f"{at} availability")
        if "preview" in expect:
            p = preview_json(session.preview(expect["preview"]["extra"]))
            actual["preview"] = p
            subset(expect["preview"]["expect"], p, f"{at} preview")
        record(key, actual)
        log.extend(events)
    # Event sourcing: the log (as typed records) rebuilds the live state.
    replayed = Session.replay(log)
    assert replayed.state_json() == session.state_json(), f"{name}: replay differs"
    text = session.to_json()
    assert Session.from_json(text).to_json() == text, f"{name}: JSON round trip differs"
    # The typed state record round-trips through the codec exactly.
    assert encode(from_json(type(session.state()), json.loads(session.state_json()))) == json.loads(
        session.state_json()
    )
    record(f"session_scenarios.json#{name}#final", json.loads(session.state_json()))


def test_the_scenarios_cover_enough_steps() -> None:
    assert len(SCENARIOS) >= 12
    assert sum(len(s["steps"]) for s in SCENARIOS) >= 100
