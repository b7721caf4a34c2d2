//! Development mode: with no authentication configured (and so, by
//! [`crate::config::Config::from_lookup`], only simulated providers), the service signs
//! its own short-lived tokens with a key made for this run and prints them, so
//! `cargo run --release -p patungan-service` stays a one-command demo.

use patungan_core::UserId;

use super::token::{Issuer, KeyError, Verifier};
use super::Role;

/// The issuer of development tokens.
pub const DEV_ISSUER: &str = "patungan-dev";
/// The audience of development tokens.
pub const DEV_AUDIENCE: &str = "patungan-service";
/// How long a development token lives: one hour.
pub const DEV_TOKEN_SECONDS: u64 = 3600;
/// The demo shopper's user id.
pub const DEV_SHOPPER: UserId = UserId::from_u128(1);
/// The demo warehouse user's id.
pub const DEV_WAREHOUSE: UserId = UserId::from_u128(2);
/// The demo admin's user id.
pub const DEV_ADMIN: UserId = UserId::from_u128(3);

/// The development tokens of one run. `Debug` does not show them.
#[derive(Clone)]
pub struct DevTokens {
    /// The demo shopper's token (user [`DEV_SHOPPER`]).
    pub shopper: String,
    /// The demo warehouse token (user [`DEV_WAREHOUSE`]).
    pub warehouse: String,
    /// The demo admin token (user [`DEV_ADMIN`]).
    pub admin: String,
}

impl std::fmt::Debug for DevTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DevTokens([REDACTED])")
    }
}

impl DevTokens {
    /// The lines printed at start: shell `export`s, one per role.
    pub fn banner(&self) -> String {
        format!(
            "patungan-service: no authentication is configured, so this is a development run \
             with simulated providers only.\n\
             Development tokens (valid {minutes} min, signed with a key made for this run):\n\
             export SHOPPER_TOKEN={shopper}   # shopper {DEV_SHOPPER}\n\
             export WAREHOUSE_TOKEN={warehouse}   # warehouse {DEV_WAREHOUSE}\n\
             export ADMIN_TOKEN={admin}   # admin {DEV_ADMIN}\n",
            minutes = DEV_TOKEN_SECONDS / 60,
            shopper = self.shopper,
            warehouse = self.warehouse,
            admin = self.admin,
        )
    }
}

/// A fresh random signing key, the verifier of its tokens, and the three demo tokens.
pub fn generate() -> Result<(Verifier, DevTokens), KeyError> {
    let mut secret = [0u8; 32];
    getrandom::getrandom(&mut secret).map_err(|e| KeyError(format!("no randomness: {e}")))?;
    let issuer = Issuer::hs256(&secret, DEV_ISSUER, DEV_AUDIENCE);
    let tokens = DevTokens {
        shopper: issuer.mint(DEV_SHOPPER, Role::Shopper, DEV_TOKEN_SECONDS)?,
        warehouse: issuer.mint(DEV_WAREHOUSE, Role::Warehouse, DEV_TOKEN_SECONDS)?,
        admin: issuer.mint(DEV_ADMIN, Role::Admin, DEV_TOKEN_SECONDS)?,
    };
    let verifier = Verifier::hs256(&secret, DEV_ISSUER, DEV_AUDIENCE, 30);
    Ok((verifier, tokens))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_run_has_its_own_key() {
        let (verifier, tokens) = generate().unwrap();
        assert_eq!(verifier.verify(&tokens.admin).unwrap().role, Role::Admin);
        assert_eq!(verifier.verify(&tokens.shopper).unwrap().user, DEV_SHOPPER);
        let (other, _) = generate().unwrap();
        assert!(other.verify(&tokens.admin).is_err());
        assert!(!format!("{tokens:?}").contains(&tokens.admin));
        assert!(tokens.banner().contains(&tokens.warehouse));
    }
}
