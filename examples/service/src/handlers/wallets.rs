//! Wallet endpoints: balance, withdrawal request, withdrawal status.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use patungan_core::wallet::{BankAccount, WalletBalance, WithdrawalRequest};
use patungan_core::{UserId, WithdrawalId};
use patungan_engine::EngineError;

use crate::dto::{WithdrawalBody, WithdrawalView};
use crate::error::ApiError;
use crate::extract::{parse_id, JsonBody, PathParams};
use crate::state::AppState;

/// `GET /wallets/{user}`: posted, held and available balance.
#[utoipa::path(get, path = "/wallets/{user}", tag = "wallets", params(("user" = String, Path, description = "The user id")), responses((status = 200, description = "Posted, held and available balance", body = Object)))]
pub async fn balance(
    State(app): State<AppState>,
    PathParams(user): PathParams<String>,
) -> Result<Json<WalletBalance>, ApiError> {
    let user: UserId = parse_id("user", &user)?;
    Ok(Json(app.engine.wallet_balance(user).await?))
}

/// `POST /wallets/{user}/withdrawals`: validates and holds the amount at once; the
/// payout goes out with the next scheduled batch (Tuesday and Friday 10:00 WIB).
/// Repeating the same request (same id, amount and bank account) answers 200 with
/// the withdrawal as it stands; a new one 202.
#[utoipa::path(post, path = "/wallets/{user}/withdrawals", tag = "wallets", params(("user" = String, Path, description = "The user id")), request_body = WithdrawalBody, responses((status = 202, description = "Accepted; paid out in the next batch", body = WithdrawalView), (status = 200, description = "The same request again", body = WithdrawalView)))]
pub async fn request_withdrawal(
    State(app): State<AppState>,
    PathParams(user): PathParams<String>,
    JsonBody(body): JsonBody<WithdrawalBody>,
) -> Result<(StatusCode, Json<WithdrawalView>), ApiError> {
    let user: UserId = parse_id("user", &user)?;
    let destination = BankAccount {
        bank_code: Arc::from(body.bank_code.trim()),
        account_number: Arc::from(body.account_number.trim()),
        holder_name: Arc::from(body.holder_name.trim()),
    };
    match app.engine.withdrawal(body.id).await {
        Ok(existing) => {
            let request = existing.request();
            return if request.user == user
                && request.amount == body.amount
                && request.destination == destination
            {
                Ok((StatusCode::OK, Json(WithdrawalView::from(&existing))))
            } else {
                Err(ApiError::conflict(
                    "withdrawal.exists",
                    format!(
                        "withdrawal {} exists with other details; choose a new id",
                        body.id
                    ),
                ))
            };
        }
        Err(EngineError::UnknownWithdrawal(_)) => {}
        Err(other) => return Err(other.into()),
    }
    let request = WithdrawalRequest {
        id: body.id,
        user,
        amount: body.amount,
        destination,
        requested_at: app.clock.now(),
    };
    app.engine.request_withdrawal(request).await?;
    tracing::info!(withdrawal = %body.id, %user, amount = %body.amount, "withdrawal requested");
    let withdrawal = app.engine.withdrawal(body.id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(WithdrawalView::from(&withdrawal)),
    ))
}

/// `GET /withdrawals/{id}`.
#[utoipa::path(get, path = "/withdrawals/{id}", tag = "wallets", params(("id" = String, Path, description = "The withdrawal id")), responses((status = 200, description = "The withdrawal", body = WithdrawalView)))]
pub async fn withdrawal(
    State(app): State<AppState>,
    PathParams(id): PathParams<String>,
) -> Result<Json<WithdrawalView>, ApiError> {
    let id: WithdrawalId = parse_id("withdrawal", &id)?;
    let withdrawal = app.engine.withdrawal(id).await?;
    Ok(Json(WithdrawalView::from(&withdrawal)))
}
