//! Who is calling and what they may touch (docs/domain.md §12).
//!
//! Every route has one [`Rule`] in the route table ([`crate::routes::ROUTES`]); one
//! middleware, [`rules::authorize`], enforces it before the handler runs: it checks the
//! bearer JWT ([`token::Verifier`]), the role, and for a user's own resources that the
//! caller is that user. Handlers hold no access checks of their own.

pub mod dev;
pub mod rules;
pub mod token;

use patungan_core::UserId;
use serde::{Deserialize, Serialize};

pub use rules::{Owner, Rule};

/// What a token allows its holder to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Acts only for itself: joins, its wallet and withdrawals, its participants.
    Shopper,
    /// Stock and purchase orders (and what a shopper may do for itself).
    Warehouse,
    /// Everything: sessions, deposits, operator decisions; reads every user's resources.
    Admin,
}

impl Role {
    /// The role's name in a token's `role` claim.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Shopper => "shopper",
            Role::Warehouse => "warehouse",
            Role::Admin => "admin",
        }
    }

    /// The role a `role` claim names.
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "shopper" => Some(Role::Shopper),
            "warehouse" => Some(Role::Warehouse),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// The verified caller of a request (put in the request's extensions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    /// The token's `sub`.
    pub user: UserId,
    /// The token's `role`.
    pub role: Role,
}
