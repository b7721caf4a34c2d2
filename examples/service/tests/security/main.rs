//! The reference service's security (issue 12, docs/domain.md §12), over HTTP: the
//! matrix of every route × every kind of caller generated from the route table, the
//! named attacks of the issue, forged webhooks and hostile bodies.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod attacks;
mod fixture;
mod hygiene;
mod logs;
mod matrix;
mod openapi;
