//! Connection options.

use std::time::Duration;

use crate::error::ConnectError;

/// How to connect: the server, an optional schema of its own, and the pool size.
///
/// ```
/// use patungan_postgres::PostgresOptions;
/// let options = PostgresOptions::new("postgres://postgres@127.0.0.1:5432/postgres")
///     .schema("tenant_a")
///     .max_connections(32);
/// assert_eq!(options.schema_name(), Some("tenant_a"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostgresOptions {
    url: String,
    schema: Option<String>,
    max_connections: usize,
    connect_timeout: Duration,
}

impl PostgresOptions {
    /// Options for `url` (`postgres://user@host:port/db`, or key=value form), with
    /// the default schema search path, up to 16 connections and a 10 s connect timeout.
    pub fn new(url: impl Into<String>) -> Self {
        PostgresOptions {
            url: url.into(),
            schema: None,
            max_connections: 16,
            connect_timeout: Duration::from_secs(10),
        }
    }

    /// Keeps every table in `schema` (created if missing; every pooled connection
    /// gets it as its search path). Tests use one schema each.
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }

    /// The most connections the pool opens (at least 1).
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max.max(1);
        self
    }

    /// How long to wait for a new connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The schema, if one was chosen.
    pub fn schema_name(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    /// The pool size.
    pub fn max_connections_value(&self) -> usize {
        self.max_connections
    }

    /// The driver configuration these options describe.
    pub(crate) fn driver_config(&self) -> Result<tokio_postgres::Config, ConnectError> {
        let mut config: tokio_postgres::Config = self
            .url
            .parse()
            .map_err(|e: tokio_postgres::Error| ConnectError::InvalidUrl(e.to_string()))?;
        config.connect_timeout(self.connect_timeout);
        if config.get_application_name().is_none() {
            config.application_name("patungan");
        }
        if let Some(schema) = &self.schema {
            check_schema(schema)?;
            let options = match config.get_options() {
                Some(given) => format!("{given} -c search_path={schema}"),
                None => format!("-c search_path={schema}"),
            };
            config.options(options);
        }
        Ok(config)
    }
}

/// Accepts plain lower-case identifiers only, so the name needs no quoting.
pub(crate) fn check_schema(schema: &str) -> Result<(), ConnectError> {
    let valid = !schema.is_empty()
        && schema.len() <= 63
        && !schema.starts_with("pg_")
        && schema
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !schema.as_bytes().first().is_some_and(u8::is_ascii_digit);
    if valid {
        Ok(())
    } else {
        Err(ConnectError::InvalidSchema(schema.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_plain_identifiers() {
        for ok in ["a", "tenant_1", "_x", "patungan_test_flow_123"] {
            assert!(check_schema(ok).is_ok(), "{ok}");
        }
        for bad in ["", "1a", "A", "a-b", "a b", "pg_x", "a\"b", &"x".repeat(64)] {
            assert_eq!(
                check_schema(bad),
                Err(ConnectError::InvalidSchema(bad.to_owned()))
            );
        }
    }

    #[test]
    fn options_build_a_driver_config_with_the_search_path() {
        let config = PostgresOptions::new("postgres://u@localhost:1/db")
            .schema("s1")
            .driver_config()
            .unwrap();
        assert_eq!(config.get_options(), Some("-c search_path=s1"));
        assert_eq!(config.get_dbname(), Some("db"));
        assert_eq!(
            PostgresOptions::new("postgres://u@h/db")
                .schema("Bad")
                .driver_config()
                .unwrap_err()
                .code(),
            "postgres.invalid_schema"
        );
        assert_eq!(
            PostgresOptions::new("nonsense://")
                .driver_config()
                .unwrap_err()
                .code(),
            "postgres.invalid_url"
        );
    }
}
