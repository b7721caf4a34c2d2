//! The store conformance suite (`patungan_testing`) on the in-memory store.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

patungan_testing::store_conformance_tests!(patungan_testing::MemoryFactory);
