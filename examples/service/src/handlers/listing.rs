//! The session list: sessions filtered by status and product, in pages by id.

use axum::extract::State;
use axum::Json;
use patungan_core::session::SessionStatus;
use patungan_core::{ProductId, SessionId};
use patungan_engine::{SessionFilter, SessionPage, DEFAULT_SESSION_PAGE, MAX_SESSION_PAGE};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::extract::{parse_id, QueryParams};
use crate::state::AppState;

/// Every session status, for parsing the `status` filter.
const STATUSES: [SessionStatus; 5] = [
    SessionStatus::Open,
    SessionStatus::AwaitingStock,
    SessionStatus::Confirmed,
    SessionStatus::Failed,
    SessionStatus::Cancelled,
];

/// `GET /sessions?status=…&product=…&limit=…&after=…`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SessionListQuery {
    /// Only sessions with this status: `open`, `awaiting_stock`, `confirmed`,
    /// `failed` or `cancelled`.
    #[serde(default)]
    pub status: Option<String>,
    /// Only sessions selling this product (a UUID).
    #[serde(default)]
    pub product: Option<String>,
    /// Sessions per page: 1 to 200 (default 50; more is read as 200).
    #[serde(default)]
    pub limit: Option<String>,
    /// The `next` of the previous page: only sessions whose id is above it.
    #[serde(default)]
    pub after: Option<String>,
}

/// `GET /sessions`: a page of sessions by ascending id, filtered by status and
/// product; `next` is the `after` of the following page (null on the last one).
#[utoipa::path(get, path = "/sessions", tag = "sessions", params(SessionListQuery), responses((status = 200, description = "`{\"sessions\": [{id, status, product, moq, start, end, group_price, fill_quantity, version}], \"next\"}`", body = Object)))]
pub async fn list(
    State(app): State<AppState>,
    QueryParams(query): QueryParams<SessionListQuery>,
) -> Result<Json<SessionPage>, ApiError> {
    let filter = filter(&query)?;
    Ok(Json(app.engine.list_sessions(&filter).await?))
}

/// The engine's filter of a list query; a value it cannot read is a 400.
pub fn filter(query: &SessionListQuery) -> Result<SessionFilter, ApiError> {
    Ok(SessionFilter {
        status: given(&query.status).map(status).transpose()?,
        product: given(&query.product)
            .map(|p| parse_id::<ProductId>("product", p))
            .transpose()?,
        after: given(&query.after)
            .map(|a| parse_id::<SessionId>("session", a))
            .transpose()?,
        limit: given(&query.limit).map_or(Ok(DEFAULT_SESSION_PAGE), limit)?,
    })
}

/// The trimmed value of a parameter, `None` when absent or empty.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn status(text: &str) -> Result<SessionStatus, ApiError> {
    STATUSES
        .into_iter()
        .find(|s| s.as_str() == text)
        .ok_or_else(|| {
            invalid(format!(
                "status must be one of open, awaiting_stock, confirmed, failed, cancelled, not `{}`",
                text.chars().take(32).collect::<String>()
            ))
        })
}

fn limit(text: &str) -> Result<usize, ApiError> {
    match text.parse::<u64>() {
        Ok(0) | Err(_) => Err(invalid(format!(
            "limit must be a whole number from 1 to {MAX_SESSION_PAGE}, not `{}`",
            text.chars().take(32).collect::<String>()
        ))),
        Ok(n) => Ok(usize::try_from(n).map_or(MAX_SESSION_PAGE, |n| n.min(MAX_SESSION_PAGE))),
    }
}

fn invalid(message: String) -> ApiError {
    ApiError::bad_request("request.invalid_query", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(status: &str, product: &str, limit: &str, after: &str) -> SessionListQuery {
        let some = |v: &str| Some(v.to_owned());
        SessionListQuery {
            status: some(status),
            product: some(product),
            limit: some(limit),
            after: some(after),
        }
    }

    #[test]
    fn a_list_query_reads_each_filter_and_refuses_what_it_cannot_read() {
        let empty = filter(&SessionListQuery::default()).unwrap();
        assert_eq!(empty, SessionFilter::default());
        let p = "00000000-0000-0000-0000-000000000007";
        let full = filter(&query("awaiting_stock", p, "500", p)).unwrap();
        assert_eq!(full.status, Some(SessionStatus::AwaitingStock));
        assert_eq!(full.product, Some(ProductId::from_u128(7)));
        assert_eq!(full.after, Some(SessionId::from_u128(7)));
        assert_eq!(full.limit, MAX_SESSION_PAGE);
        for bad in [
            query("opened", "", "", ""),
            query("", "x", "", ""),
            query("", "", "0", ""),
            query("", "", "-1", ""),
            query("", "", "", "nope"),
        ] {
            let err = filter(&bad).unwrap_err();
            assert_eq!(err.status, axum::http::StatusCode::BAD_REQUEST, "{bad:?}");
        }
    }
}
