//! Typed identifiers. Ids are inputs: the core never generates one itself.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps a UUID chosen by the caller.
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// Builds an id from a 128-bit number (handy for tests and simulations).
            pub const fn from_u128(value: u128) -> Self {
                Self(Uuid::from_u128(value))
            }

            /// The underlying UUID.
            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// Identifies a group-buying session.
    SessionId
);
id_type!(
    /// Identifies one join (a participant row) in a session.
    ParticipantId
);
id_type!(
    /// Identifies a shopper.
    UserId
);
id_type!(
    /// Identifies a product.
    ProductId
);
id_type!(
    /// Identifies a payment anomaly: a gateway callback that did not match its invoice.
    AnomalyId
);
id_type!(
    /// Identifies a product variant (size, colour …).
    VariantId
);
id_type!(
    /// Identifies a payment (an invoice at the gateway).
    PaymentId
);
id_type!(
    /// Identifies a ledger account.
    AccountId
);
id_type!(
    /// Identifies a ledger transfer; a transfer id doubles as its idempotency key.
    TransferId
);
id_type!(
    /// Identifies a wallet withdrawal.
    WithdrawalId
);
id_type!(
    /// Identifies an order created at settlement.
    OrderId
);
id_type!(
    /// Identifies a shipping quote offered to a shopper before joining.
    QuoteId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_as_plain_uuid_strings() {
        let id = SessionId::from_u128(7);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"00000000-0000-0000-0000-000000000007\"");
        assert_eq!(serde_json::from_str::<SessionId>(&json).unwrap(), id);
        assert_eq!(id.to_string().parse::<SessionId>().unwrap(), id);
        assert!("not-a-uuid".parse::<UserId>().is_err());
    }
}
