//! The store conformance suite (`patungan_engine::testing`) on the in-memory store.

patungan_engine::store_conformance_tests!(patungan_engine::testing::MemoryFactory);
