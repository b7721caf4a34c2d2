//! A secret string (API key, callback token, signing secret) that never shows itself.

use std::fmt;

/// A credential such as a provider's API key, callback token or webhook signing secret.
///
/// Its `Debug` output is redacted, it has no `Display` and no `Serialize`, so it cannot
/// end up in logs, error messages or JSON by accident. Read it with [`Secret::expose`]
/// only where the provider needs it.
///
/// ```
/// use patungan_http::Secret;
/// let key = Secret::new("sk_development_abc");
/// assert_eq!(format!("{key:?}"), "Secret([REDACTED])");
/// assert_eq!(key.expose(), "sk_development_abc");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself: pass it to the provider, never to a log.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string (a configuration mistake).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_even_nested() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Holder {
            key: Secret,
        }
        let holder = Holder {
            key: Secret::new("sk_production_TOPSECRET"),
        };
        let shown = format!("{holder:?} {holder:#?}");
        assert!(!shown.contains("TOPSECRET"), "{shown}");
        assert!(shown.contains("[REDACTED]"));
    }

    #[test]
    fn expose_and_empty() {
        assert!(Secret::new("").is_empty());
        let s = Secret::from("abc");
        assert_eq!(s.expose(), "abc");
        assert_eq!(s, Secret::from(String::from("abc")));
    }
}
