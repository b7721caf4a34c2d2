//! A small connection pool: at most `max` connections, each with its statements
//! prepared once, handed out one per transaction.

use std::sync::{Arc, Mutex, PoisonError};

use patungan_ports::store::StoreError;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_postgres::{Client, NoTls};
use tracing::debug;

use crate::error::store_error;
use crate::statements::Statements;

/// One open connection and its prepared statements.
pub(crate) struct Conn {
    pub(crate) client: Client,
    pub(crate) statements: Arc<Statements>,
}

struct Inner {
    config: tokio_postgres::Config,
    idle: Mutex<Vec<Conn>>,
    permits: Arc<Semaphore>,
}

/// The pool; clones share it.
#[derive(Clone)]
pub(crate) struct Pool {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("available", &self.inner.permits.available_permits())
            .finish_non_exhaustive()
    }
}

/// Opens a connection whose driver task runs on the current runtime.
pub(crate) async fn connect(config: &tokio_postgres::Config) -> Result<Client, StoreError> {
    let (client, connection) = config.connect(NoTls).await.map_err(|e| store_error(&e))?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            debug!(%error, "PostgreSQL connection closed");
        }
    });
    Ok(client)
}

impl Pool {
    /// A pool of at most `max` connections (opened on demand).
    pub(crate) fn new(config: tokio_postgres::Config, max: usize) -> Self {
        Pool {
            inner: Arc::new(Inner {
                config,
                idle: Mutex::new(Vec::new()),
                permits: Arc::new(Semaphore::new(max.max(1))),
            }),
        }
    }

    /// A connection: an idle one, or a new one while fewer than `max` are open.
    pub(crate) async fn get(&self) -> Result<PooledConn, StoreError> {
        let permit = Arc::clone(&self.inner.permits)
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Unavailable("connection pool closed".to_owned()))?;
        loop {
            let idle = self
                .inner
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop();
            match idle {
                Some(conn) if conn.client.is_closed() => continue,
                Some(conn) => return Ok(self.wrap(conn, permit)),
                None => break,
            }
        }
        let client = connect(&self.inner.config).await?;
        let statements = Arc::new(Statements::prepare(&client).await?);
        Ok(self.wrap(Conn { client, statements }, permit))
    }

    fn wrap(&self, conn: Conn, permit: OwnedSemaphorePermit) -> PooledConn {
        PooledConn {
            conn: Some(conn),
            pool: Arc::clone(&self.inner),
            _permit: permit,
        }
    }
}

/// A connection checked out of the pool; dropping it returns it (if still open).
pub(crate) struct PooledConn {
    conn: Option<Conn>,
    pool: Arc<Inner>,
    _permit: OwnedSemaphorePermit,
}

impl PooledConn {
    /// The connection (always present until drop or [`PooledConn::discard`]).
    pub(crate) fn conn(&self) -> Result<&Conn, StoreError> {
        self.conn
            .as_ref()
            .ok_or_else(|| StoreError::Unavailable("connection already released".to_owned()))
    }

    /// Closes the connection instead of returning it (its state is unknown).
    pub(crate) fn discard(mut self) {
        self.conn = None;
    }
}

impl Drop for PooledConn {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            if !conn.client.is_closed() {
                self.pool
                    .idle
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(conn);
            }
        }
    }
}
