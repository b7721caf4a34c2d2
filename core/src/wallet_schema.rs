//! `schemars::JsonSchema` for the wallet records (the `schema` feature).
//!
//! The other records derive `JsonSchema` where they are defined. The wallet records get
//! theirs here, from mirrors kept outside `wallet/` while that module is being reworked;
//! deriving it on the types themselves (and deleting this file) is a mechanical
//! follow-up. A mirror cannot drift silently:
//! - each is a serde `remote` definition of its type, so the compiler checks that it
//!   names every field (the derived `Deserialize` builds the type with a struct literal)
//!   and every variant (the derived `Serialize` matches exhaustively), with the same
//!   field types;
//! - the tests below check that every mirror serialises and deserialises exactly like
//!   its type, so serde attributes (renames, tags, defaults, skipped fields) agree.

// The mirrors only describe their types: nothing builds one or reads its fields.
#![allow(dead_code)]

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use crate::ids::{UserId, WithdrawalId};
use crate::money::Money;
use crate::wallet::{
    BankAccount, Batch, BatchItem, BatchKey, PayoutAttempt, PayoutEffect, PayoutItemKey,
    PayoutOutcome, PayoutResult, WalletBalance, Withdrawal, WithdrawalPolicy, WithdrawalRequest,
    WithdrawalStatus,
};

/// `impl JsonSchema for $ty` by its mirror `$mirror`.
macro_rules! schema_by_mirror {
    ($($ty:ty => $mirror:ty),* $(,)?) => {$(
        impl JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                <$mirror as JsonSchema>::schema_name()
            }

            fn schema_id() -> Cow<'static, str> {
                <$mirror as JsonSchema>::schema_id()
            }

            fn json_schema(generator: &mut SchemaGenerator) -> Schema {
                <$mirror as JsonSchema>::json_schema(generator)
            }
        }
    )*};
}

schema_by_mirror! {
    WalletBalance => WalletBalanceDef,
    WithdrawalPolicy => WithdrawalPolicyDef,
    BankAccount => BankAccountDef,
    WithdrawalRequest => WithdrawalRequestDef,
    WithdrawalStatus => WithdrawalStatusDef,
    PayoutOutcome => PayoutOutcomeDef,
    PayoutAttempt => PayoutAttemptDef,
    Withdrawal => WithdrawalDef,
    PayoutResult => PayoutResultDef,
    PayoutEffect => PayoutEffectDef,
    BatchItem => BatchItemDef,
    Batch => BatchDef,
}

/// The payout keys are strings (`wdb-20250107T030000Z-0`, `wdi-<withdrawal uuid>-1`).
macro_rules! key_schema {
    ($($ty:ty => $name:literal, $doc:literal);* $(;)?) => {$(
        impl JsonSchema for $ty {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "string", "description": $doc })
            }
        }
    )*};
}

key_schema! {
    BatchKey => "BatchKey", "The idempotency key of a payout batch, e.g. `wdb-20250107T030000Z-0`.";
    PayoutItemKey => "PayoutItemKey", "The idempotency key of one payout attempt: `wdi-<withdrawal uuid>-<attempt>`.";
}

/// A wallet's balance. `available = posted − held`.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(remote = "WalletBalance")]
struct WalletBalanceDef {
    user: UserId,
    posted: Money,
    held: Money,
    available: Money,
}

/// Withdrawal rules; the default gives docs/domain.md §9.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(remote = "WithdrawalPolicy")]
struct WithdrawalPolicyDef {
    minimum: Money,
    fee: Money,
    max_attempts: u32,
    min_account_digits: usize,
    max_account_digits: usize,
    min_holder_name_chars: usize,
    temporary_code_prefixes: Vec<String>,
    temporary_codes: Vec<String>,
}

/// Where a payout goes.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(remote = "BankAccount")]
struct BankAccountDef {
    #[serde(with = "shared_str")]
    #[schemars(with = "String")]
    bank_code: Arc<str>,
    #[serde(with = "shared_str")]
    #[schemars(with = "String")]
    account_number: Arc<str>,
    #[serde(with = "shared_str")]
    #[schemars(with = "String")]
    holder_name: Arc<str>,
}

/// A user's request to withdraw from their wallet; the id makes it idempotent.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(remote = "WithdrawalRequest")]
struct WithdrawalRequestDef {
    id: WithdrawalId,
    user: UserId,
    amount: Money,
    destination: BankAccount,
    requested_at: DateTime<Utc>,
}

/// Where a withdrawal stands.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(remote = "WithdrawalStatus", rename_all = "snake_case")]
enum WithdrawalStatusDef {
    Queued,
    InBatch,
    Completed,
    Failed,
    Reversed,
}

/// The gateway's result for one payout item.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(remote = "PayoutOutcome", tag = "status", rename_all = "snake_case")]
enum PayoutOutcomeDef {
    Completed,
    Failed { failure_code: String },
}

/// One payout attempt of a withdrawal.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(remote = "PayoutAttempt")]
struct PayoutAttemptDef {
    attempt: u32,
    batch: BatchKey,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outcome: Option<PayoutOutcome>,
}

/// A withdrawal as the state machine keeps it.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Withdrawal")]
struct WithdrawalDef {
    request: WithdrawalRequest,
    fee: Money,
    net: Money,
    status: WithdrawalStatus,
    #[serde(default)]
    attempts: Vec<PayoutAttempt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    failure_code: Option<String>,
}

/// The gateway's result for one payout item (a batch callback line).
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(remote = "PayoutResult")]
struct PayoutResultDef {
    item: PayoutItemKey,
    outcome: PayoutOutcome,
}

/// What applying a payout result did.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(remote = "PayoutEffect", rename_all = "snake_case")]
enum PayoutEffectDef {
    Completed,
    Failed,
    Requeued,
    Unchanged,
}

/// One payout to send.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(remote = "BatchItem")]
struct BatchItemDef {
    key: PayoutItemKey,
    user: UserId,
    net: Money,
    fee: Money,
    destination: BankAccount,
    requested_at: DateTime<Utc>,
}

/// A batch of payouts to send in one gateway call.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Batch")]
struct BatchDef {
    key: BatchKey,
    items: Vec<BatchItem>,
}

/// An `Arc<str>` as a plain string.
mod shared_str {
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(value)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Arc<str>, D::Error> {
        String::deserialize(deserializer).map(Arc::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// `value` serialises the same through its mirror, and reads back through it.
    macro_rules! same_as_mirror {
        ($mirror:ty, $value:expr) => {{
            let value = $value;
            let direct = serde_json::to_value(&value).unwrap();
            let mirrored = <$mirror>::serialize(&value, serde_json::value::Serializer).unwrap();
            assert_eq!(
                direct,
                mirrored,
                "{} serialises unlike its type",
                stringify!($mirror)
            );
            assert_eq!(<$mirror>::deserialize(direct).unwrap(), value);
        }};
    }

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 1, 7, hour, 0, 0).unwrap()
    }

    fn withdrawal(status: WithdrawalStatus, attempts: Vec<PayoutAttempt>) -> Withdrawal {
        Withdrawal {
            request: request(),
            fee: Money::idr(2_500),
            net: Money::idr(97_500),
            status,
            attempts,
            failure_code: (status == WithdrawalStatus::Failed).then(|| "REJECTED".to_owned()),
        }
    }

    fn request() -> WithdrawalRequest {
        WithdrawalRequest {
            id: WithdrawalId::from_u128(1),
            user: UserId::from_u128(2),
            amount: Money::idr(100_000),
            destination: BankAccount {
                bank_code: "BCA".into(),
                account_number: "1234567890".into(),
                holder_name: "Siti".into(),
            },
            requested_at: at(1),
        }
    }

    fn key() -> BatchKey {
        BatchKey {
            instant: at(3),
            index: 0,
        }
    }

    fn item_key() -> PayoutItemKey {
        PayoutItemKey {
            withdrawal: WithdrawalId::from_u128(1),
            attempt: 1,
        }
    }

    #[test]
    fn every_mirror_serialises_like_its_type() {
        same_as_mirror!(
            WalletBalanceDef,
            WalletBalance {
                user: UserId::from_u128(2),
                posted: Money::idr(10),
                held: Money::idr(4),
                available: Money::idr(6),
            }
        );
        same_as_mirror!(WithdrawalPolicyDef, WithdrawalPolicy::default());
        same_as_mirror!(WithdrawalRequestDef, request());
        same_as_mirror!(BankAccountDef, request().destination);
        for status in [
            WithdrawalStatus::Queued,
            WithdrawalStatus::InBatch,
            WithdrawalStatus::Completed,
            WithdrawalStatus::Failed,
            WithdrawalStatus::Reversed,
        ] {
            same_as_mirror!(WithdrawalStatusDef, status);
        }
        let failed = PayoutOutcome::Failed {
            failure_code: "REJECTED".to_owned(),
        };
        for outcome in [PayoutOutcome::Completed, failed.clone()] {
            same_as_mirror!(PayoutOutcomeDef, outcome);
        }
        let attempts = vec![
            PayoutAttempt {
                attempt: 1,
                batch: key(),
                outcome: Some(failed.clone()),
            },
            PayoutAttempt {
                attempt: 2,
                batch: key(),
                outcome: None,
            },
        ];
        for attempt in attempts.clone() {
            same_as_mirror!(PayoutAttemptDef, attempt);
        }
        same_as_mirror!(
            WithdrawalDef,
            withdrawal(WithdrawalStatus::Queued, Vec::new())
        );
        same_as_mirror!(
            WithdrawalDef,
            withdrawal(WithdrawalStatus::Failed, attempts)
        );
        same_as_mirror!(
            PayoutResultDef,
            PayoutResult {
                item: item_key(),
                outcome: failed
            }
        );
        for effect in [
            PayoutEffect::Completed,
            PayoutEffect::Failed,
            PayoutEffect::Requeued,
            PayoutEffect::Unchanged,
        ] {
            same_as_mirror!(PayoutEffectDef, effect);
        }
        let item = BatchItem {
            key: item_key(),
            user: UserId::from_u128(2),
            net: Money::idr(97_500),
            fee: Money::idr(2_500),
            destination: request().destination,
            requested_at: at(1),
        };
        same_as_mirror!(BatchItemDef, item.clone());
        same_as_mirror!(
            BatchDef,
            Batch {
                key: key(),
                items: vec![item]
            }
        );
    }

    #[test]
    fn payout_keys_are_strings() {
        assert!(serde_json::to_value(key()).unwrap().is_string());
        assert!(serde_json::to_value(item_key()).unwrap().is_string());
    }
}
