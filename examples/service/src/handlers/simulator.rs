//! Simulator endpoints, present only while the simulated gateway and disburser are
//! in use (no `XENDIT_SECRET_KEY`): they play the payer and the bank so a session
//! can be driven end to end on a laptop.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use patungan_core::notices::{PayoutEvent, ProviderNotification};
use patungan_core::wallet::PayoutItemKey;
use patungan_core::{PaymentId, WithdrawalId};
use serde::{Deserialize, Serialize};

use crate::dto::WebhookAck;
use crate::error::ApiError;
use crate::extract::{parse_id, JsonBody, PathParams};
use crate::state::{AppState, Simulated};

fn simulated(app: &AppState) -> Result<&Simulated, ApiError> {
    app.simulated.as_ref().ok_or_else(|| {
        ApiError::not_found(
            "simulator.disabled",
            "the simulator is off: a real gateway is configured",
        )
    })
}

/// `POST /simulator/payments/{payment}/pay`: the payer pays the invoice in full and
/// the gateway's webhook is applied.
#[utoipa::path(post, path = "/simulator/payments/{payment}/pay", tag = "simulator", params(("payment" = String, Path, description = "The payment id")), responses((status = 200, description = "Paid", body = WebhookAck)))]
pub async fn pay(
    State(app): State<AppState>,
    PathParams(payment): PathParams<String>,
) -> Result<Json<WebhookAck>, ApiError> {
    let payment: PaymentId = parse_id("payment", &payment)?;
    let sim = simulated(&app)?;
    let note = sim.gateway.pay(payment, app.clock.now()).ok_or_else(|| {
        ApiError::conflict(
            "simulator.not_payable",
            format!("payment {payment} has no open invoice (unknown, paid, expired, or not created yet)"),
        )
    })?;
    let handled = app
        .engine
        .handle_notification(&ProviderNotification::Payment(note), app.clock.now())
        .await?;
    app.kicker.kick();
    Ok(Json(WebhookAck::of(handled)))
}

/// What a settle call did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Settled {
    /// Notifications applied.
    pub applied: usize,
}

/// `POST /simulator/refunds/settle`: the gateway completes every pending refund.
#[utoipa::path(post, path = "/simulator/refunds/settle", tag = "simulator", responses((status = 200, description = "Refunds completed", body = Settled)))]
pub async fn settle_refunds(State(app): State<AppState>) -> Result<Json<Settled>, ApiError> {
    let sim = simulated(&app)?;
    let notes = sim.gateway.settle_refunds();
    for n in &notes {
        app.engine
            .handle_notification(&ProviderNotification::Refund(n.clone()), app.clock.now())
            .await?;
    }
    app.kicker.kick();
    Ok(Json(Settled {
        applied: notes.len(),
    }))
}

/// The longest failure code the simulated bank takes.
const MAX_FAILURE_CODE_CHARS: usize = 64;

/// `POST /simulator/payouts/settle` body.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettlePayouts {
    /// Withdrawals whose payout fails, with the failure code (e.g.
    /// `INVALID_DESTINATION`); every other undecided payout completes.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, String>)]
    pub failures: BTreeMap<WithdrawalId, String>,
}

/// `POST /simulator/payouts/settle`: the bank decides every undecided payout.
#[utoipa::path(post, path = "/simulator/payouts/settle", tag = "simulator", request_body = SettlePayouts, responses((status = 200, description = "Payouts decided", body = Settled)))]
pub async fn settle_payouts(
    State(app): State<AppState>,
    JsonBody(body): JsonBody<SettlePayouts>,
) -> Result<Json<Settled>, ApiError> {
    let sim = simulated(&app)?;
    for code in body.failures.values() {
        patungan_core::text::check_text("failures", code, MAX_FAILURE_CODE_CHARS)
            .map_err(|e| ApiError::bad_request(e.code(), e.to_string()))?;
    }
    let mut applied = 0;
    for payout in sim.disburser.payouts() {
        if payout.outcome.is_some() {
            continue;
        }
        let failure = payout
            .item
            .external_id
            .parse::<PayoutItemKey>()
            .ok()
            .and_then(|key| body.failures.get(&key.withdrawal));
        let (outcome, code) = match failure {
            Some(code) => (PayoutEvent::Failed, Some(code.as_str())),
            None => (PayoutEvent::Completed, None),
        };
        if let Some(note) = sim
            .disburser
            .resolve(&payout.item.external_id, outcome, code)
        {
            app.engine
                .handle_notification(&ProviderNotification::Payout(note), app.clock.now())
                .await?;
            applied += 1;
        }
    }
    Ok(Json(Settled { applied }))
}
