//! The access rules of the route table and the one middleware that enforces them.

use axum::body::Body;
use axum::extract::{FromRequestParts, RawPathParams, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use patungan_core::{ParticipantId, SessionId, UserId, WithdrawalId};
use patungan_engine::EngineError;
use serde::Deserialize;

use super::token::TokenError;
use super::{Principal, Role};
use crate::error::ApiError;
use crate::extract::{body_too_large, parse_id};
use crate::routes::MAX_BODY_BYTES;
use crate::state::AppState;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Anyone, without a token (`/health`, the OpenAPI document).
    Public,
    /// A provider's webhook: no JWT; the handler checks the provider's own proof.
    Webhook,
    /// Any valid token, whatever its role.
    Authenticated,
    /// A `warehouse` or `admin` token.
    Warehouse,
    /// An `admin` token.
    Admin,
    /// A user's own resource: its owner may read and write it, an admin may read it.
    /// Anyone else gets 404 on a read (so ids cannot be probed) and 403 on a write.
    Owner(Owner),
}

/// Where the owner of a resource is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// The `{user}` path segment (wallets).
    PathUser,
    /// The body's `user` field (a join).
    BodyUser,
    /// The user of participant `{participant}` of session `{id}`.
    Participant,
    /// The user of withdrawal `{id}`.
    Withdrawal,
}

impl Rule {
    /// Whether the rule asks for a bearer token.
    pub fn needs_token(self) -> bool {
        !matches!(self, Rule::Public | Rule::Webhook)
    }
}

/// The state of one route's guard: the service and the route's rule.
#[derive(Debug, Clone)]
pub struct Guard {
    /// The service.
    pub app: AppState,
    /// The route's rule.
    pub rule: Rule,
}

/// Middleware: enforces the route's [`Rule`], then puts the [`Principal`] in the
/// request's extensions. A 401 carries `WWW-Authenticate: Bearer`.
pub async fn authorize(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    match admit(&guard, request).await {
        Ok(request) => next.run(request).await,
        Err(error) => {
            let unauthorized = error.status == StatusCode::UNAUTHORIZED;
            let mut response = error.into_response();
            if unauthorized {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            response
        }
    }
}

/// The request, admitted by the guard's rule (with its principal), or the refusal.
async fn admit(guard: &Guard, request: Request) -> Result<Request, ApiError> {
    if !guard.rule.needs_token() {
        return Ok(request);
    }
    let principal = authenticate(&guard.app, request.headers())?;
    let mut request = match guard.rule {
        Rule::Public | Rule::Webhook | Rule::Authenticated => request,
        Rule::Warehouse => {
            require_role(principal, &[Role::Warehouse, Role::Admin])?;
            request
        }
        Rule::Admin => {
            require_role(principal, &[Role::Admin])?;
            request
        }
        Rule::Owner(owner) => check_owner(&guard.app, owner, principal, request).await?,
    };
    tracing::debug!(user = %principal.user, role = principal.role.as_str(), "authorized");
    request.extensions_mut().insert(principal);
    Ok(request)
}

/// The principal of the request's bearer token.
fn authenticate(app: &AppState, headers: &HeaderMap) -> Result<Principal, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return Err(token_error(TokenError::Missing));
    };
    let Some(verifier) = &app.auth else {
        return Err(token_error(TokenError::Invalid(
            "no token verification is configured",
        )));
    };
    verifier.verify(token).map_err(token_error)
}

fn token_error(error: TokenError) -> ApiError {
    let code = match error {
        TokenError::Missing => "auth.missing_token",
        TokenError::Invalid(_) => "auth.invalid_token",
    };
    ApiError::unauthorized(code, error.to_string())
}

/// 403 `auth.forbidden`.
pub fn forbidden() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "auth.forbidden",
        "this token may not do that",
    )
}

fn require_role(principal: Principal, roles: &[Role]) -> Result<(), ApiError> {
    if roles.contains(&principal.role) {
        Ok(())
    } else {
        Err(forbidden())
    }
}

/// The owner of the resource a request touches, and the 404 a stranger's read gets.
struct Owned {
    user: UserId,
    hidden: ApiError,
}

async fn check_owner(
    app: &AppState,
    owner: Owner,
    principal: Principal,
    request: Request,
) -> Result<Request, ApiError> {
    let read = request.method() == Method::GET || request.method() == Method::HEAD;
    let (mut parts, body) = request.into_parts();
    let (owned, body) = match owner {
        Owner::BodyUser => {
            let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
                .await
                .map_err(|_| body_too_large())?;
            let owned = body_user(&bytes);
            (owned, Body::from(bytes))
        }
        _ => (resource_owner(app, owner, &mut parts).await?, body),
    };
    let request = Request::from_parts(parts, body);
    // No owner found: the resource does not exist (or the body is unreadable), and the
    // handler answers that without acting for anyone.
    let Some(owned) = owned else {
        return Ok(request);
    };
    if owned.user == principal.user || (read && principal.role == Role::Admin) {
        return Ok(request);
    }
    Err(if read { owned.hidden } else { forbidden() })
}

/// The `user` of a join body; `None` when the body is not such JSON (the handler then
/// refuses it, since its body type requires the same field).
fn body_user(bytes: &[u8]) -> Option<Owned> {
    #[derive(Deserialize)]
    struct UserField {
        user: UserId,
    }
    let field: UserField = serde_json::from_slice(bytes).ok()?;
    Some(Owned {
        user: field.user,
        hidden: forbidden(),
    })
}

async fn resource_owner(
    app: &AppState,
    owner: Owner,
    parts: &mut Parts,
) -> Result<Option<Owned>, ApiError> {
    let params = RawPathParams::from_request_parts(parts, &())
        .await
        .map_err(|e| ApiError::bad_request("request.invalid_path", e.body_text()))?;
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
            .unwrap_or_default()
    };
    match owner {
        Owner::PathUser => {
            let user: UserId = parse_id("user", &param("user"))?;
            Ok(Some(Owned {
                user,
                hidden: ApiError::not_found("wallet.unknown", format!("no wallet of user {user}")),
            }))
        }
        Owner::Participant => {
            let session: SessionId = parse_id("session", &param("id"))?;
            let participant: ParticipantId = parse_id("participant", &param("participant"))?;
            match app.engine.participant(session, participant).await {
                Ok(Some(found)) => Ok(Some(Owned {
                    user: found.user,
                    hidden: crate::handlers::sessions::unknown_participant(session, participant),
                })),
                Ok(None) | Err(EngineError::UnknownSession(_)) => Ok(None),
                Err(other) => Err(other.into()),
            }
        }
        Owner::Withdrawal => {
            let id: WithdrawalId = parse_id("withdrawal", &param("id"))?;
            match app.engine.withdrawal(id).await {
                Ok(found) => Ok(Some(Owned {
                    user: found.user(),
                    hidden: EngineError::UnknownWithdrawal(id).into(),
                })),
                Err(EngineError::UnknownWithdrawal(_)) => Ok(None),
                Err(other) => Err(other.into()),
            }
        }
        Owner::BodyUser => Ok(None),
    }
}
