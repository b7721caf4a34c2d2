//! The session state machine (DESIGN §5): sans-IO, inputs in, events and effects out.
