//! PostgreSQL for the end-to-end test: a schema of its own on the server named by
//! `DATABASE_URL` (dropped before and after); without `DATABASE_URL` the test runs
//! on the memory store and says so, unless `PATUNGAN_REQUIRE_PG=1`.

#[derive(Debug, Clone)]
pub struct TestDb {
    pub url: String,
    pub schema: String,
}

impl TestDb {
    pub async fn new(test: &str) -> Option<TestDb> {
        let Ok(url) = std::env::var("DATABASE_URL") else {
            if std::env::var("PATUNGAN_REQUIRE_PG").is_ok_and(|v| v == "1") {
                panic!("DATABASE_URL is not set and PATUNGAN_REQUIRE_PG=1");
            }
            eprintln!(
                "{test}: DATABASE_URL is not set; running on the memory store \
                 (eval \"$(./scripts/pg.sh start)\" starts a server)"
            );
            return None;
        };
        let short: String = test
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(40)
            .collect::<String>()
            .to_ascii_lowercase();
        let db = TestDb {
            url,
            schema: format!("svc_{short}"),
        };
        db.drop_schema().await;
        Some(db)
    }

    pub async fn drop_schema(&self) {
        let (client, connection) = tokio_postgres::connect(&self.url, tokio_postgres::NoTls)
            .await
            .expect("connect to DATABASE_URL");
        let task = tokio::spawn(connection);
        client
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema))
            .await
            .unwrap();
        drop(client);
        let _ = task.await;
    }
}
