//! Runnable examples of Patungan live under `examples/`; see the README.
