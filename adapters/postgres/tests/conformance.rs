//! The engine's store conformance suite (`patungan_testing`) on
//! PostgreSQL, each test in a fresh schema on the server named by `DATABASE_URL`.

patungan_testing::store_conformance_tests!(patungan_postgres::testing::PgFactory::from_env());
