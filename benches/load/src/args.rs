//! Command-line arguments.

use std::time::Duration;

use reqwest::Url;

/// Which sessions the joins go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Every join on one session: its row lock serialises them.
    Hot,
    /// Joins spread round-robin over many sessions.
    Spread,
}

impl Scenario {
    /// The scenario's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Hot => "hot",
            Scenario::Spread => "spread",
        }
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Args {
    /// The service replicas (clients are spread round-robin over them).
    pub urls: Vec<Url>,
    /// Concurrent clients, each with one keep-alive connection.
    pub clients: usize,
    /// How long the clients keep joining.
    pub duration: Duration,
    /// Hot or spread.
    pub scenario: Scenario,
    /// Sessions of the spread scenario.
    pub sessions: usize,
    /// The HS256 secret the service verifies tokens with.
    pub secret: String,
    /// The tokens' `iss`.
    pub issuer: String,
    /// The tokens' `aud`.
    pub audience: String,
    /// How long to wait for every replica's `/health` before starting.
    pub wait_ready: Duration,
}

/// The usage text, printed on a bad argument.
pub const USAGE: &str = "\
usage: patungan-load [--url http://127.0.0.1:8080]... [--clients 64] [--seconds 20]
                     [--scenario hot|spread] [--sessions 1000] [--wait-ready 0]
                     [--secret S] [--issuer I] [--audience A]

  --url         a service replica on 127.0.0.1 (repeat it, or separate with commas);
                clients are spread round-robin over the replicas
  --scenario    hot: every join on one session; spread: over --sessions sessions
  --wait-ready  seconds to wait for every replica's /health before starting
  --secret, --issuer, --audience
                the service's PATUNGAN_JWT_HS256_SECRET, PATUNGAN_JWT_ISSUER and
                PATUNGAN_JWT_AUDIENCE (read from those variables when not given)";

/// Reads the process's arguments (and the `PATUNGAN_JWT_*` variables as defaults).
pub fn parse(raw: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let env = |name: &str| std::env::var(name).unwrap_or_default();
    let mut args = Args {
        urls: Vec::new(),
        clients: 64,
        duration: Duration::from_secs(20),
        scenario: Scenario::Hot,
        sessions: 1000,
        secret: env("PATUNGAN_JWT_HS256_SECRET"),
        issuer: env("PATUNGAN_JWT_ISSUER"),
        audience: env("PATUNGAN_JWT_AUDIENCE"),
        wait_ready: Duration::ZERO,
    };
    let mut raw = raw.into_iter();
    while let Some(flag) = raw.next() {
        let value = raw.next().ok_or_else(|| format!("{flag} needs a value"))?;
        apply(&mut args, &flag, &value)?;
    }
    if args.urls.is_empty() {
        args.urls.push(local_url("http://127.0.0.1:8080")?);
    }
    if args.secret.len() < 32 || args.issuer.is_empty() || args.audience.is_empty() {
        return Err(
            "give the service's JWT secret (at least 32 bytes), issuer and audience \
                    (--secret/--issuer/--audience or PATUNGAN_JWT_*)"
                .to_owned(),
        );
    }
    Ok(args)
}

fn apply(args: &mut Args, flag: &str, value: &str) -> Result<(), String> {
    match flag {
        "--url" => {
            for url in value.split(',').filter(|u| !u.trim().is_empty()) {
                args.urls.push(local_url(url.trim())?);
            }
        }
        "--clients" => args.clients = number(flag, value)?.max(1) as usize,
        "--seconds" => args.duration = Duration::from_secs(number(flag, value)?.max(1)),
        "--sessions" => args.sessions = number(flag, value)?.max(1) as usize,
        "--wait-ready" => args.wait_ready = Duration::from_secs(number(flag, value)?),
        "--scenario" => {
            args.scenario = match value {
                "hot" => Scenario::Hot,
                "spread" => Scenario::Spread,
                other => return Err(format!("unknown scenario `{other}` (hot or spread)")),
            }
        }
        "--secret" => args.secret = value.to_owned(),
        "--issuer" => args.issuer = value.to_owned(),
        "--audience" => args.audience = value.to_owned(),
        other => return Err(format!("unknown argument `{other}`")),
    }
    Ok(())
}

fn number(flag: &str, value: &str) -> Result<u64, String> {
    value
        .parse()
        .map_err(|_| format!("{flag}: `{value}` is not a whole number"))
}

/// A service URL; only loopback hosts over plain HTTP are accepted, so the generator
/// cannot be pointed at someone else's server.
fn local_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("`{text}` is not a URL: {e}"))?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if url.scheme() != "http" || !loopback {
        return Err(format!(
            "`{text}`: only http://127.0.0.1:PORT (loopback) is accepted"
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_list(list: &[&str]) -> Result<Args, String> {
        let secret = ["--secret", "0123456789abcdef0123456789abcdef"];
        let claims = ["--issuer", "i", "--audience", "a"];
        parse(
            list.iter()
                .chain(&secret)
                .chain(&claims)
                .map(|s| (*s).to_owned()),
        )
    }

    #[test]
    fn defaults_and_urls() {
        let args = parse_list(&[]).unwrap();
        assert_eq!(args.clients, 64);
        assert_eq!(args.scenario, Scenario::Hot);
        assert_eq!(args.urls.len(), 1);
        let args = parse_list(&[
            "--url",
            "http://127.0.0.1:18081,http://127.0.0.1:18082",
            "--url",
            "http://localhost:18083",
            "--scenario",
            "spread",
        ])
        .unwrap();
        assert_eq!(args.urls.len(), 3);
        assert_eq!(args.scenario, Scenario::Spread);
    }

    #[test]
    fn refuses_remote_hosts_and_bad_values() {
        assert!(parse_list(&["--url", "http://example.com:80"]).is_err());
        assert!(parse_list(&["--url", "https://127.0.0.1:80"]).is_err());
        assert!(parse_list(&["--clients", "many"]).is_err());
        assert!(parse_list(&["--scenario", "cold"]).is_err());
        assert!(parse(["--secret".to_owned(), "short".to_owned()]).is_err());
    }
}
