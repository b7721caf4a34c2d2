//! Rows ↔ core types: jsonb documents, enum names, accounts, transfer records,
//! outbox entries and instants.

use std::error::Error;

use bytes::{BufMut, BytesMut};
use chrono::{DateTime, TimeDelta, Timelike, Utc};
use patungan_core::ledger::{
    Account, AccountSpec, Balances, Entity, PendingStatus, Transfer, TransferOp, TransferRecord,
};
use patungan_core::{AccountId, Currency, Money, SessionId, TransferId, UserId};
use patungan_ports::store::{EffectId, OutboxEntry, OutboxState, StoreError};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio_postgres::types::{to_sql_checked, FromSql, IsNull, ToSql, Type};
use tokio_postgres::Row;
use uuid::Uuid;

use crate::error::corrupt;

/// A bound parameter owned by a queued statement.
pub(crate) type Param = Box<dyn ToSql + Sync + Send>;

/// A JSON document serialised once, bound as `jsonb` or `json` without an
/// intermediate value.
#[derive(Debug, Clone)]
pub(crate) struct Jsonb(Vec<u8>);

impl Jsonb {
    /// Serialises `value`.
    pub(crate) fn encode<T: Serialize + ?Sized>(value: &T, what: &str) -> Result<Self, StoreError> {
        serde_json::to_vec(value)
            .map(Jsonb)
            .map_err(|e| StoreError::Corrupt(format!("{what} does not serialise: {e}")))
    }
}

impl ToSql for Jsonb {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        if *ty == Type::JSONB {
            out.put_u8(1); // jsonb binary format version
        }
        out.extend_from_slice(&self.0);
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::JSONB || *ty == Type::JSON
    }

    to_sql_checked!();
}

/// The text of a `jsonb` (or `json`) value as the server sent it.
pub(crate) struct JsonText<'a>(pub(crate) &'a [u8]);

impl<'a> FromSql<'a> for JsonText<'a> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn Error + Sync + Send>> {
        if *ty == Type::JSONB {
            match raw.split_first() {
                Some((1, text)) => Ok(JsonText(text)),
                _ => Err("unsupported jsonb binary format".into()),
            }
        } else {
            Ok(JsonText(raw))
        }
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::JSONB || *ty == Type::JSON
    }
}

/// Column `index` of `row`, decoded, or [`StoreError::Corrupt`].
pub(crate) fn get<'a, T: FromSql<'a>>(
    row: &'a Row,
    index: usize,
    what: &str,
) -> Result<T, StoreError> {
    row.try_get(index)
        .map_err(|e| corrupt(format_args!("{what} column {index}"), e))
}

/// A jsonb column decoded into `T`.
pub(crate) fn get_json<T: DeserializeOwned>(
    row: &Row,
    index: usize,
    what: &str,
) -> Result<T, StoreError> {
    let text: JsonText<'_> = get(row, index, what)?;
    serde_json::from_slice(text.0).map_err(|e| corrupt(what, e))
}

/// The serde name of a unit enum variant (e.g. `"open"` for `SessionStatus::Open`).
pub(crate) fn name_of<T: Serialize>(value: &T, what: &str) -> Result<String, StoreError> {
    let json = serde_json::to_string(value).map_err(|e| corrupt(what, e))?;
    serde_json::from_str::<String>(&json)
        .map_err(|_| StoreError::Corrupt(format!("{what} is not a plain name: {json}")))
}

/// The unit enum variant named `name`.
pub(crate) fn from_name<T: DeserializeOwned>(name: &str, what: &str) -> Result<T, StoreError> {
    let json = serde_json::to_string(name).map_err(|e| corrupt(what, e))?;
    serde_json::from_str(&json).map_err(|e| corrupt(format_args!("{what} {name:?}"), e))
}

/// A version or count as a `bigint`.
pub(crate) fn to_i64(value: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what} {value} exceeds bigint")))
}

/// A `bigint` as a version or count.
pub(crate) fn to_u64(value: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what} {value} is negative")))
}

/// `at` rounded up to a whole microsecond (timestamptz's precision), so a stored
/// deadline is never earlier than the one asked for.
pub(crate) fn ceil_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    let sub = at.nanosecond() % 1_000;
    if sub == 0 {
        return at;
    }
    at.checked_add_signed(TimeDelta::nanoseconds(i64::from(1_000 - sub)))
        .unwrap_or(at)
}

pub(crate) fn currency(code: &str) -> Result<Currency, StoreError> {
    code.parse()
        .map_err(|e| corrupt(format_args!("currency {code:?}"), e))
}

pub(crate) fn money(amount: Decimal, currency: Currency, what: &str) -> Result<Money, StoreError> {
    Money::new(amount, currency).map_err(|e| corrupt(what, e))
}

/// Account columns, one array each, for a batch insert.
#[derive(Default)]
pub(crate) struct AccountBatch {
    ids: Vec<Uuid>,
    entities: Vec<&'static str>,
    entity_users: Vec<Option<Uuid>>,
    kinds: Vec<String>,
    currencies: Vec<&'static str>,
    limits: Vec<String>,
    sessions: Vec<Option<Uuid>>,
    balances: BalanceBatch,
}

/// The four balances of some accounts, one array each.
#[derive(Default)]
pub(crate) struct BalanceBatch {
    ids: Vec<Uuid>,
    debits_pending: Vec<Decimal>,
    debits_posted: Vec<Decimal>,
    credits_pending: Vec<Decimal>,
    credits_posted: Vec<Decimal>,
}

impl BalanceBatch {
    pub(crate) fn push(&mut self, account: &Account) {
        let b = account.balances();
        self.ids.push(*account.id().as_uuid());
        self.debits_pending.push(b.debits_pending);
        self.debits_posted.push(b.debits_posted);
        self.credits_pending.push(b.credits_pending);
        self.credits_posted.push(b.credits_posted);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// `$1` ids, `$2..$5` balances.
    pub(crate) fn into_params(self) -> Vec<Param> {
        vec![
            Box::new(self.ids),
            Box::new(self.debits_pending),
            Box::new(self.debits_posted),
            Box::new(self.credits_pending),
            Box::new(self.credits_posted),
        ]
    }
}

impl AccountBatch {
    pub(crate) fn push(&mut self, account: &Account) -> Result<(), StoreError> {
        let spec = account.spec();
        let (entity, user) = match spec.entity {
            Entity::Platform => ("platform", None),
            Entity::Warehouse => ("warehouse", None),
            Entity::User(user) => ("user", Some(*user.as_uuid())),
            Entity::External => ("external", None),
        };
        self.ids.push(*spec.id.as_uuid());
        self.entities.push(entity);
        self.entity_users.push(user);
        self.kinds.push(name_of(&spec.kind, "account kind")?);
        self.currencies.push(spec.currency.code());
        self.limits.push(name_of(&spec.limit, "balance limit")?);
        self.sessions.push(spec.session.map(|s| *s.as_uuid()));
        self.balances.push(account);
        Ok(())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The parameters of `insert_accounts`.
    pub(crate) fn into_params(self) -> Vec<Param> {
        let mut params: Vec<Param> = vec![
            Box::new(self.ids),
            Box::new(self.entities),
            Box::new(self.entity_users),
            Box::new(self.kinds),
            Box::new(self.currencies),
            Box::new(self.limits),
            Box::new(self.sessions),
        ];
        // The balance batch repeats the ids first; the insert takes them once.
        params.extend(self.balances.into_params().into_iter().skip(1));
        params
    }
}

/// An account row (columns in `statements::ACCOUNT_COLUMNS` order).
pub(crate) fn account(row: &Row) -> Result<Account, StoreError> {
    const W: &str = "account";
    let id: Uuid = get(row, 0, W)?;
    let entity_name: &str = get(row, 1, W)?;
    let entity_user: Option<Uuid> = get(row, 2, W)?;
    let entity = match (entity_name, entity_user) {
        ("platform", None) => Entity::Platform,
        ("warehouse", None) => Entity::Warehouse,
        ("user", Some(user)) => Entity::User(UserId::from_uuid(user)),
        ("external", None) => Entity::External,
        (other, user) => {
            return Err(StoreError::Corrupt(format!(
                "account {id}: entity {other:?} with user {user:?}"
            )))
        }
    };
    let spec = AccountSpec {
        id: AccountId::from_uuid(id),
        entity,
        kind: from_name(get(row, 3, W)?, "account kind")?,
        currency: currency(get(row, 4, W)?)?,
        limit: from_name(get(row, 5, W)?, "balance limit")?,
        session: get::<Option<Uuid>>(row, 6, W)?.map(SessionId::from_uuid),
    };
    let balances = Balances {
        debits_pending: get(row, 7, W)?,
        debits_posted: get(row, 8, W)?,
        credits_pending: get(row, 9, W)?,
        credits_posted: get(row, 10, W)?,
    };
    Ok(Account::from_parts(spec, balances))
}

/// Transfer columns, one array each, for a batch insert.
#[derive(Default)]
pub(crate) struct TransferBatch {
    ids: Vec<Uuid>,
    ops: Vec<&'static str>,
    codes: Vec<String>,
    pending_ids: Vec<Option<Uuid>>,
    requested: Vec<Option<Decimal>>,
    debits: Vec<Uuid>,
    credits: Vec<Uuid>,
    amounts: Vec<Decimal>,
    currencies: Vec<&'static str>,
    status: StatusBatch,
}

/// The pending status of some transfer records, one array each.
#[derive(Default)]
pub(crate) struct StatusBatch {
    ids: Vec<Uuid>,
    status: Vec<Option<&'static str>>,
    resolved_by: Vec<Option<Uuid>>,
    posted: Vec<Option<Decimal>>,
}

impl StatusBatch {
    pub(crate) fn push(&mut self, record: &TransferRecord) -> Result<(), StoreError> {
        let (status, by, posted) = match record.pending {
            None => (None, None, None),
            Some(PendingStatus::Open) => (Some("open"), None, None),
            Some(PendingStatus::Posted { by, amount }) => {
                same_currency(record, amount)?;
                (Some("posted"), Some(*by.as_uuid()), Some(amount.amount()))
            }
            Some(PendingStatus::Voided { by }) => (Some("voided"), Some(*by.as_uuid()), None),
        };
        self.ids.push(*record.id().as_uuid());
        self.status.push(status);
        self.resolved_by.push(by);
        self.posted.push(posted);
        Ok(())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// `$1` ids, `$2` status, `$3` resolved by, `$4` posted amount.
    pub(crate) fn into_params(self) -> Vec<Param> {
        vec![
            Box::new(self.ids),
            Box::new(self.status),
            Box::new(self.resolved_by),
            Box::new(self.posted),
        ]
    }
}

/// Refuses a record whose amounts are not all in its currency: the row keeps one
/// currency column, so it could not give such a record back unchanged.
fn same_currency(record: &TransferRecord, amount: Money) -> Result<(), StoreError> {
    if amount.currency() == record.amount.currency() {
        Ok(())
    } else {
        Err(StoreError::Corrupt(format!(
            "transfer {} mixes {} and {}",
            record.id(),
            record.amount.currency(),
            amount.currency()
        )))
    }
}

impl TransferBatch {
    pub(crate) fn push(&mut self, record: &TransferRecord) -> Result<(), StoreError> {
        let mismatch = || {
            StoreError::Corrupt(format!(
                "transfer {}: its request and its record name different accounts or amounts",
                record.id()
            ))
        };
        let (op, pending_id, requested) = match record.transfer.op {
            TransferOp::Posted {
                debit_account,
                credit_account,
                amount,
            }
            | TransferOp::Pending {
                debit_account,
                credit_account,
                amount,
            } => {
                if (debit_account, credit_account, amount)
                    != (record.debit_account, record.credit_account, record.amount)
                {
                    return Err(mismatch());
                }
                let op = if matches!(record.transfer.op, TransferOp::Posted { .. }) {
                    "posted"
                } else {
                    "pending"
                };
                (op, None, None)
            }
            TransferOp::PostPending { pending_id, amount } => {
                if let Some(amount) = amount {
                    same_currency(record, amount)?;
                }
                (
                    "post_pending",
                    Some(*pending_id.as_uuid()),
                    amount.map(|a| a.amount()),
                )
            }
            TransferOp::VoidPending { pending_id } => {
                ("void_pending", Some(*pending_id.as_uuid()), None)
            }
        };
        self.ids.push(*record.id().as_uuid());
        self.ops.push(op);
        self.codes
            .push(name_of(&record.transfer.code, "transfer code")?);
        self.pending_ids.push(pending_id);
        self.requested.push(requested);
        self.debits.push(*record.debit_account.as_uuid());
        self.credits.push(*record.credit_account.as_uuid());
        self.amounts.push(record.amount.amount());
        self.currencies.push(record.amount.currency().code());
        self.status.push(record)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The parameters of `insert_transfers`.
    pub(crate) fn into_params(self) -> Vec<Param> {
        let StatusBatch {
            status,
            resolved_by,
            posted,
            ..
        } = self.status;
        vec![
            Box::new(self.ids),
            Box::new(self.ops),
            Box::new(self.codes),
            Box::new(self.pending_ids),
            Box::new(self.requested),
            Box::new(self.debits),
            Box::new(self.credits),
            Box::new(self.amounts),
            Box::new(self.currencies),
            Box::new(status),
            Box::new(resolved_by),
            Box::new(posted),
        ]
    }
}

/// A transfer row (columns in `statements::TRANSFER_COLUMNS` order).
pub(crate) fn transfer(row: &Row) -> Result<TransferRecord, StoreError> {
    const W: &str = "transfer";
    let id = TransferId::from_uuid(get(row, 0, W)?);
    let op_name: &str = get(row, 1, W)?;
    let pending_id: Option<Uuid> = get(row, 3, W)?;
    let requested: Option<Decimal> = get(row, 4, W)?;
    let debit_account = AccountId::from_uuid(get(row, 5, W)?);
    let credit_account = AccountId::from_uuid(get(row, 6, W)?);
    let currency = currency(get(row, 8, W)?)?;
    let amount = money(get(row, 7, W)?, currency, "transfer amount")?;
    let op = match (op_name, pending_id) {
        ("posted", None) => TransferOp::Posted {
            debit_account,
            credit_account,
            amount,
        },
        ("pending", None) => TransferOp::Pending {
            debit_account,
            credit_account,
            amount,
        },
        ("post_pending", Some(pending)) => TransferOp::PostPending {
            pending_id: TransferId::from_uuid(pending),
            amount: requested
                .map(|a| money(a, currency, "requested amount"))
                .transpose()?,
        },
        ("void_pending", Some(pending)) => TransferOp::VoidPending {
            pending_id: TransferId::from_uuid(pending),
        },
        (other, pending) => {
            return Err(StoreError::Corrupt(format!(
                "transfer {id}: op {other:?} with pending id {pending:?}"
            )))
        }
    };
    let status: Option<&str> = get(row, 9, W)?;
    let by: Option<Uuid> = get(row, 10, W)?;
    let posted: Option<Decimal> = get(row, 11, W)?;
    let pending = match (status, by, posted) {
        (None, None, None) => None,
        (Some("open"), None, None) => Some(PendingStatus::Open),
        (Some("posted"), Some(by), Some(posted)) => Some(PendingStatus::Posted {
            by: TransferId::from_uuid(by),
            amount: money(posted, currency, "posted amount")?,
        }),
        (Some("voided"), Some(by), None) => Some(PendingStatus::Voided {
            by: TransferId::from_uuid(by),
        }),
        (status, by, posted) => {
            return Err(StoreError::Corrupt(format!(
                "transfer {id}: pending status {status:?} by {by:?} amount {posted:?}"
            )))
        }
    };
    Ok(TransferRecord {
        transfer: Transfer {
            id,
            op,
            code: from_name(get(row, 2, W)?, "transfer code")?,
        },
        debit_account,
        credit_account,
        amount,
        pending,
    })
}

/// Outbox columns, one array each, for a batch insert.
#[derive(Default)]
pub(crate) struct OutboxBatch {
    ids: Vec<Uuid>,
    tasks: Vec<Jsonb>,
    states: Vec<&'static str>,
    errors: Vec<Option<String>>,
    attempts: Vec<i32>,
    next_attempts: Vec<DateTime<Utc>>,
    created: Vec<DateTime<Utc>>,
}

/// An outbox state as its columns.
pub(crate) fn outbox_state(state: &OutboxState) -> (&'static str, Option<String>) {
    match state {
        OutboxState::Pending => ("pending", None),
        OutboxState::Done => ("done", None),
        OutboxState::Failed { error } => ("failed", Some(error.clone())),
    }
}

/// Attempts as an `integer`.
pub(crate) fn attempts(entry: &OutboxEntry) -> Result<i32, StoreError> {
    i32::try_from(entry.attempts)
        .map_err(|_| StoreError::Corrupt(format!("outbox {}: too many attempts", entry.id)))
}

impl OutboxBatch {
    pub(crate) fn push(&mut self, entry: &OutboxEntry) -> Result<(), StoreError> {
        let (state, error) = outbox_state(&entry.state);
        self.ids.push(entry.id.0);
        self.tasks.push(Jsonb::encode(&entry.task, "outbox task")?);
        self.states.push(state);
        self.errors.push(error);
        self.attempts.push(attempts(entry)?);
        self.next_attempts.push(ceil_micros(entry.next_attempt_at));
        self.created.push(entry.created_at);
        Ok(())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The outbox parameters of `write_batch`.
    pub(crate) fn into_params(self) -> Vec<Param> {
        vec![
            Box::new(self.ids),
            Box::new(self.tasks),
            Box::new(self.states),
            Box::new(self.errors),
            Box::new(self.attempts),
            Box::new(self.next_attempts),
            Box::new(self.created),
        ]
    }
}

/// An outbox row (columns in `statements::OUTBOX_COLUMNS` order).
pub(crate) fn outbox_entry(row: &Row) -> Result<OutboxEntry, StoreError> {
    const W: &str = "outbox";
    let id = EffectId(get(row, 0, W)?);
    let state_name: &str = get(row, 2, W)?;
    let error: Option<String> = get(row, 3, W)?;
    let state = match (state_name, error) {
        ("pending", None) => OutboxState::Pending,
        ("done", None) => OutboxState::Done,
        ("failed", Some(error)) => OutboxState::Failed { error },
        (other, _) => return Err(StoreError::Corrupt(format!("outbox {id}: state {other:?}"))),
    };
    let attempts: i32 = get(row, 4, W)?;
    Ok(OutboxEntry {
        id,
        task: get_json(row, 1, "outbox task")?,
        state,
        attempts: u32::try_from(attempts)
            .map_err(|_| StoreError::Corrupt(format!("outbox {id}: attempts {attempts}")))?,
        next_attempt_at: get(row, 5, W)?,
        created_at: get(row, 6, W)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use patungan_core::ledger::TransferCode;
    use patungan_core::session::SessionStatus;

    #[test]
    fn deadlines_round_up_to_the_microsecond() {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(ceil_micros(at), at);
        let odd = at + TimeDelta::nanoseconds(1_000_001);
        assert_eq!(ceil_micros(odd), at + TimeDelta::microseconds(1_001));
        assert_eq!(
            ceil_micros(at + TimeDelta::microseconds(7)),
            at + TimeDelta::microseconds(7)
        );
    }

    #[test]
    fn enum_names_round_trip_through_serde() {
        assert_eq!(name_of(&SessionStatus::Open, "s").unwrap(), "open");
        assert_eq!(
            from_name::<SessionStatus>("open", "s").unwrap(),
            SessionStatus::Open
        );
        let code = TransferCode::PaymentReceived;
        assert_eq!(
            from_name::<TransferCode>(&name_of(&code, "c").unwrap(), "c").unwrap(),
            code
        );
        assert_eq!(
            from_name::<SessionStatus>("nope", "status")
                .unwrap_err()
                .code(),
            "store.corrupt"
        );
    }

    #[test]
    fn a_record_whose_request_disagrees_is_refused() {
        let t = Transfer::posted(
            TransferId::from_u128(1),
            AccountId::from_u128(2),
            AccountId::from_u128(3),
            Money::idr(10),
        );
        let record = TransferRecord {
            transfer: t,
            debit_account: AccountId::from_u128(2),
            credit_account: AccountId::from_u128(3),
            amount: Money::idr(11),
            pending: None,
        };
        let mut batch = TransferBatch::default();
        assert_eq!(batch.push(&record).unwrap_err().code(), "store.corrupt");
    }
}
