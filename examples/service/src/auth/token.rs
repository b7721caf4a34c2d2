//! Bearer JWTs: verifying them (HS256, RS256, ES256; signature, `exp`, `nbf`, issuer
//! and audience, with a bounded clock skew) and minting HS256 ones (the development
//! tokens and the tests).

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use patungan_core::UserId;
use serde::{Deserialize, Serialize};

use super::{Principal, Role};
use crate::config::{JwtKeys, JwtSettings};

/// Why a bearer token was refused (the reason is safe to show the client).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// No `Authorization: Bearer …` header.
    #[error("this endpoint needs `Authorization: Bearer <JWT>`")]
    Missing,
    /// The token is not acceptable; the reason says why.
    #[error("the bearer token is not valid: {0}")]
    Invalid(&'static str),
}

/// The claims the service mints; the ones it reads are checked by [`Verifier`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id (a UUID).
    pub sub: String,
    /// `shopper`, `warehouse` or `admin`.
    pub role: String,
    /// The issuer.
    pub iss: String,
    /// The audience.
    pub aud: String,
    /// Expiry, seconds since the Unix epoch.
    pub exp: u64,
    /// Not before, seconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    /// Issued at, seconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
}

/// What the service reads from a verified token.
#[derive(Deserialize)]
struct Subject {
    sub: String,
    role: String,
}

/// A key that can verify tokens signed with one algorithm.
struct Key {
    algorithm: Algorithm,
    key: DecodingKey,
}

/// Verifies bearer tokens against configured keys, issuer and audience.
pub struct Verifier {
    keys: Vec<Key>,
    issuer: String,
    audience: String,
    leeway_seconds: u64,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("keys", &self.keys.len())
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("leeway_seconds", &self.leeway_seconds)
            .finish()
    }
}

/// The verification keys could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("JWT keys: {0}")]
pub struct KeyError(pub String);

impl Verifier {
    /// A verifier of HS256 tokens signed with `secret`.
    pub fn hs256(secret: &[u8], issuer: &str, audience: &str, leeway_seconds: u64) -> Self {
        Verifier {
            keys: vec![Key {
                algorithm: Algorithm::HS256,
                key: DecodingKey::from_secret(secret),
            }],
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            leeway_seconds,
        }
    }

    /// The verifier `settings` describe (reads the PEM file, if any).
    pub fn from_settings(settings: &JwtSettings) -> Result<Self, KeyError> {
        let keys = match &settings.keys {
            JwtKeys::Hs256(secret) => vec![Key {
                algorithm: Algorithm::HS256,
                key: DecodingKey::from_secret(secret.expose().as_bytes()),
            }],
            JwtKeys::PublicKeyFile(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| KeyError(format!("cannot read {}: {e}", path.display())))?;
                public_keys(&text)?
            }
        };
        Ok(Verifier {
            keys,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            leeway_seconds: settings.leeway_seconds,
        })
    }

    /// The principal a token names, once its signature and claims are checked.
    pub fn verify(&self, token: &str) -> Result<Principal, TokenError> {
        let header =
            jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid("malformed"))?;
        let mut refusal = TokenError::Invalid("algorithm not accepted");
        for key in self.keys.iter().filter(|k| k.algorithm == header.alg) {
            match jsonwebtoken::decode::<Subject>(token, &key.key, &self.validation(key.algorithm))
            {
                Ok(data) => return principal(&data.claims),
                Err(e) if *e.kind() == ErrorKind::InvalidSignature => {
                    refusal = TokenError::Invalid("bad signature");
                }
                Err(e) => return Err(TokenError::Invalid(reason(e.kind()))),
            }
        }
        Err(refusal)
    }

    fn validation(&self, algorithm: Algorithm) -> Validation {
        let mut validation = Validation::new(algorithm);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = self.leeway_seconds;
        validation
    }
}

fn principal(subject: &Subject) -> Result<Principal, TokenError> {
    let user: UserId = subject
        .sub
        .parse()
        .map_err(|_| TokenError::Invalid("`sub` is not a UUID"))?;
    let role = Role::parse(&subject.role).ok_or(TokenError::Invalid(
        "`role` is not shopper, warehouse or admin",
    ))?;
    Ok(Principal { user, role })
}

fn reason(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::ExpiredSignature => "expired",
        ErrorKind::ImmatureSignature => "not valid yet",
        ErrorKind::InvalidAudience => "wrong audience",
        ErrorKind::InvalidIssuer => "wrong issuer",
        ErrorKind::InvalidSignature => "bad signature",
        ErrorKind::InvalidAlgorithm => "algorithm not accepted",
        ErrorKind::MissingRequiredClaim(_) => "a required claim is missing",
        _ => "malformed",
    }
}

/// The RSA and P-256 public keys of a PEM text (one or more blocks).
fn public_keys(text: &str) -> Result<Vec<Key>, KeyError> {
    let mut keys = Vec::new();
    let mut block = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("-----BEGIN") {
            block.clear();
        }
        block.push_str(line);
        block.push('\n');
        if line.starts_with("-----END") {
            keys.push(public_key(block.as_bytes())?);
            block.clear();
        }
    }
    if keys.is_empty() {
        return Err(KeyError("the PEM file holds no public key".to_owned()));
    }
    Ok(keys)
}

fn public_key(pem: &[u8]) -> Result<Key, KeyError> {
    if let Ok(key) = DecodingKey::from_rsa_pem(pem) {
        return Ok(Key {
            algorithm: Algorithm::RS256,
            key,
        });
    }
    DecodingKey::from_ec_pem(pem)
        .map(|key| Key {
            algorithm: Algorithm::ES256,
            key,
        })
        .map_err(|_| KeyError("a PEM block is neither an RSA nor an EC public key".to_owned()))
}

/// Mints HS256 tokens (the development tokens; tests).
#[derive(Clone)]
pub struct Issuer {
    key: EncodingKey,
    issuer: String,
    audience: String,
}

impl std::fmt::Debug for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issuer")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

impl Issuer {
    /// An issuer signing with `secret`, naming `issuer` and `audience`.
    pub fn hs256(secret: &[u8], issuer: &str, audience: &str) -> Self {
        Issuer {
            key: EncodingKey::from_secret(secret),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        }
    }

    /// The claims of a token for `user` as `role`, valid from `now` (Unix seconds)
    /// for `lifetime_seconds`.
    pub fn claims(&self, user: UserId, role: Role, now: u64, lifetime_seconds: u64) -> Claims {
        Claims {
            sub: user.to_string(),
            role: role.as_str().to_owned(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            exp: now.saturating_add(lifetime_seconds),
            nbf: Some(now),
            iat: Some(now),
        }
    }

    /// Signs `claims`.
    pub fn sign(&self, claims: &Claims) -> Result<String, KeyError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.key)
            .map_err(|e| KeyError(e.to_string()))
    }

    /// A token for `user` as `role`, valid from now for `lifetime_seconds`.
    pub fn mint(
        &self,
        user: UserId,
        role: Role,
        lifetime_seconds: u64,
    ) -> Result<String, KeyError> {
        self.sign(&self.claims(user, role, unix_now(), lifetime_seconds))
    }
}

/// Seconds since the Unix epoch, by the system clock (tokens live in real time, not
/// the service's clock).
pub fn unix_now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn checks_signature_audience_issuer_and_time() {
        let issuer = Issuer::hs256(SECRET, "iss", "aud");
        let verifier = Verifier::hs256(SECRET, "iss", "aud", 5);
        let user = UserId::from_u128(7);
        let token = issuer.mint(user, Role::Shopper, 60).unwrap();
        assert_eq!(
            verifier.verify(&token).unwrap(),
            Principal {
                user,
                role: Role::Shopper
            }
        );
        let now = unix_now();
        let expired = issuer
            .sign(&issuer.claims(user, Role::Admin, now - 600, 60))
            .unwrap();
        assert_eq!(
            verifier.verify(&expired),
            Err(TokenError::Invalid("expired"))
        );
        let other = Issuer::hs256(b"another-secret-another-secret-00", "iss", "aud");
        let forged = other.mint(user, Role::Admin, 60).unwrap();
        assert_eq!(
            verifier.verify(&forged),
            Err(TokenError::Invalid("bad signature"))
        );
        let wrong_aud = Issuer::hs256(SECRET, "iss", "other")
            .mint(user, Role::Admin, 60)
            .unwrap();
        assert_eq!(
            verifier.verify(&wrong_aud),
            Err(TokenError::Invalid("wrong audience"))
        );
        let wrong_iss = Issuer::hs256(SECRET, "other", "aud")
            .mint(user, Role::Admin, 60)
            .unwrap();
        assert_eq!(
            verifier.verify(&wrong_iss),
            Err(TokenError::Invalid("wrong issuer"))
        );
        let mut claims = issuer.claims(user, Role::Admin, now, 60);
        claims.nbf = Some(now + 600);
        let early = issuer.sign(&claims).unwrap();
        assert_eq!(
            verifier.verify(&early),
            Err(TokenError::Invalid("not valid yet"))
        );
        claims = issuer.claims(user, Role::Admin, now, 60);
        claims.role = "root".to_owned();
        assert!(verifier.verify(&issuer.sign(&claims).unwrap()).is_err());
        claims = issuer.claims(user, Role::Admin, now, 60);
        claims.sub = "admin".to_owned();
        assert!(verifier.verify(&issuer.sign(&claims).unwrap()).is_err());
        assert_eq!(
            verifier.verify("not.a.token"),
            Err(TokenError::Invalid("malformed"))
        );
        // "alg": "none" is never accepted.
        let none = format!("eyJhbGciOiJub25lIn0.{}.", token.split('.').nth(1).unwrap());
        assert!(verifier.verify(&none).is_err());
    }

    #[test]
    fn rs256_and_es256_keys_from_one_pem_file() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys");
        let settings = JwtSettings {
            keys: JwtKeys::PublicKeyFile(format!("{dir}/public-keys.pem").into()),
            issuer: "iss".to_owned(),
            audience: "aud".to_owned(),
            leeway_seconds: 0,
        };
        let verifier = Verifier::from_settings(&settings).unwrap();
        assert_eq!(verifier.keys.len(), 2);
        let claims = Issuer::hs256(SECRET, "iss", "aud").claims(
            UserId::from_u128(9),
            Role::Warehouse,
            unix_now(),
            60,
        );
        for (algorithm, file) in [
            (Algorithm::RS256, "rs256-private.pem"),
            (Algorithm::ES256, "es256-private.pem"),
        ] {
            let pem = std::fs::read(format!("{dir}/{file}")).unwrap();
            let key = match algorithm {
                Algorithm::RS256 => EncodingKey::from_rsa_pem(&pem).unwrap(),
                _ => EncodingKey::from_ec_pem(&pem).unwrap(),
            };
            let token = jsonwebtoken::encode(&Header::new(algorithm), &claims, &key).unwrap();
            assert_eq!(verifier.verify(&token).unwrap().role, Role::Warehouse);
        }
        // An HS256 token is not accepted by a verifier of public keys (no algorithm
        // confusion).
        let hs = Issuer::hs256(SECRET, "iss", "aud").sign(&claims).unwrap();
        assert_eq!(
            verifier.verify(&hs),
            Err(TokenError::Invalid("algorithm not accepted"))
        );
    }

    #[test]
    fn a_pem_file_without_keys_is_refused() {
        assert!(public_keys("nothing here").is_err());
        assert!(
            public_keys("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").is_err()
        );
    }
}
