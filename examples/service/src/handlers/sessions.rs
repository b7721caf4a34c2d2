//! Shopper-facing session endpoints: status, preview, join, leave, participant.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use patungan_core::ledger::derive_uuid;
use patungan_core::quotes::{QuoteChoice, Recipient};
use patungan_core::session::{JoinRequest, Outcome};
use patungan_core::{Money, ParticipantId, PaymentId, SessionId};

use crate::dto::{JoinBody, JoinView, ParticipantView, PreviewQuery, SessionStatusView};
use crate::error::ApiError;
use crate::extract::{parse_id, JsonBody, PathParams, QueryParams};
use crate::state::AppState;

/// How often a join that woke the loop looks for its invoice again while another
/// replica's runner may hold the invoice's outbox entry.
const INVOICE_POLL: std::time::Duration = std::time::Duration::from_millis(20);

/// The join's invoice once it exists at the gateway, waiting at most the join wait:
/// the loop is woken and its pass awaited; if the invoice was in another replica's
/// claim, it is looked for again until the wait ends. A join applied just now has no
/// invoice yet, so only a repeated join looks before waking the loop.
async fn invoice_within_wait(
    app: &AppState,
    payment: PaymentId,
    outcome: Outcome,
) -> Result<Option<patungan_core::payments::Invoice>, ApiError> {
    // Ready, or never to be (the gateway refused it for good).
    let settled = |i: &Option<patungan_core::payments::Invoice>| {
        i.as_ref().is_some_and(|i| i.url.is_some() || i.abandoned)
    };
    if outcome != Outcome::Applied {
        let invoice = app.engine.invoice(payment).await?;
        if settled(&invoice) {
            return Ok(invoice);
        }
    }
    let deadline = tokio::time::Instant::now() + app.join_wait;
    app.kicker.kick_and_wait(app.join_wait).await;
    let mut invoice = app.engine.invoice(payment).await?;
    while !settled(&invoice) && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(INVOICE_POLL).await;
        invoice = app.engine.invoice(payment).await?;
    }
    if invoice.as_ref().is_none_or(|i| i.url.is_none()) {
        tracing::warn!(%payment, "invoice not created within the join wait");
    }
    Ok(invoice)
}

/// Purpose tag of payment ids derived from participant ids.
const PAYMENT_FROM_PARTICIPANT: u64 = 0x5E51_0001 << 32;

/// The payment id a join gets when the client names none.
pub fn derived_payment(participant: ParticipantId) -> PaymentId {
    PaymentId::from_uuid(derive_uuid(
        *participant.as_uuid(),
        PAYMENT_FROM_PARTICIPANT,
    ))
}

/// `GET /sessions/{id}`: where a session stands, and what an app needs to preview
/// and price joins offline (ladder, MOQ, fill, bot policy, configuration, and each
/// variant's availability now).
#[utoipa::path(get, path = "/sessions/{id}", tag = "sessions", params(("id" = String, Path, description = "The session id")), responses((status = 200, description = "Where the session stands, with the ladder, bot policy, configuration and per-variant availability an app needs to preview offline", body = SessionStatusView)))]
pub async fn status(
    State(app): State<AppState>,
    PathParams(id): PathParams<String>,
) -> Result<Json<SessionStatusView>, ApiError> {
    let id: SessionId = parse_id("session", &id)?;
    let view = app.engine.session(id).await?;
    Ok(Json(SessionStatusView::new(&view)?))
}

/// `GET /sessions/{id}/preview?extra=N`: the tier picture with `N` more units.
#[utoipa::path(get, path = "/sessions/{id}/preview", tag = "sessions", params(("id" = String, Path, description = "The session id"), ("extra" = Option<u64>, Query, description = "Units more than now (default 0)")), responses((status = 200, description = "The tier preview (quote)", body = Object)))]
pub async fn preview(
    State(app): State<AppState>,
    PathParams(id): PathParams<String>,
    QueryParams(query): QueryParams<PreviewQuery>,
) -> Result<Json<patungan_core::Preview>, ApiError> {
    let id: SessionId = parse_id("session", &id)?;
    let extra = match query.extra.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(text) => text.parse::<u64>().map_err(|_| {
            ApiError::bad_request(
                "request.invalid_query",
                format!(
                    "extra must be a whole number of units ≥ 0, not `{}`",
                    text.chars().take(32).collect::<String>()
                ),
            )
        })?,
    };
    Ok(Json(app.engine.preview(id, extra).await?))
}

/// `POST /sessions/{id}/join`: the amount due part by part and the invoice URL.
///
/// The join commits first; the background loop is then woken to create the
/// invoice and the answer waits for it (at most the configured join wait). A
/// retried join (same participant id and details) answers 200 with the same
/// receipt; a new one 201.
#[utoipa::path(post, path = "/sessions/{id}/join", tag = "sessions", params(("id" = String, Path, description = "The session id")), request_body = JoinBody, responses((status = 201, description = "Joined", body = JoinView), (status = 200, description = "The same join again", body = JoinView)))]
pub async fn join(
    State(app): State<AppState>,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<JoinBody>,
) -> Result<(StatusCode, Json<JoinView>), ApiError> {
    let session: SessionId = parse_id("session", &id)?;
    let courier_price = match (&body.quote, body.courier_price) {
        (Some(_), given) => given.unwrap_or(Money::zero(body.expected_unit_price.currency())),
        (None, Some(_)) if !app.courier_price_given => {
            return Err(ApiError::bad_request(
                "join.quote_required",
                "a join names a shipping quote (`quote`, from POST /sessions/{id}/quotes); \
                 its price is charged, not a given `courier_price`",
            ))
        }
        (None, Some(price)) => price,
        (None, None) => {
            return Err(ApiError::bad_request(
                "join.courier_price_required",
                "name a shipping quote (`quote`) or give `courier_price`",
            ))
        }
    };
    let request = JoinRequest {
        participant: body.participant,
        user: body.user,
        payment: body
            .payment
            .unwrap_or_else(|| derived_payment(body.participant)),
        variant: body.variant,
        quantity: body.quantity,
        expected_unit_price: body.expected_unit_price,
        courier_price,
    };
    let now = app.clock.now();
    let receipt = match &body.quote {
        Some(choice) => {
            let choice = QuoteChoice {
                quote: choice.id,
                courier: choice.courier.clone(),
                service: choice.service.clone(),
                recipient: choice.recipient.as_ref().map(|r| Recipient {
                    name: r.name.clone(),
                    phone: r.phone.clone(),
                    address: r.address.clone(),
                }),
            };
            app.engine
                .join_quoted(session, &request, &choice, now)
                .await?
        }
        None => app.engine.join(session, &request, now).await?,
    };
    tracing::info!(%session, participant = %receipt.participant, quantity = receipt.cost.quantity,
        total = %receipt.cost.total, outcome = ?receipt.outcome, "join");
    let invoice = invoice_within_wait(&app, receipt.payment, receipt.outcome).await?;
    let code = match receipt.outcome {
        Outcome::Applied => StatusCode::CREATED,
        Outcome::Unchanged => StatusCode::OK,
    };
    Ok((code, Json(JoinView::new(session, receipt, invoice))))
}

/// `POST /sessions/{id}/participants/{participant}/leave`: leaves an open session
/// (refunded in full if paid).
#[utoipa::path(post, path = "/sessions/{id}/participants/{participant}/leave", tag = "sessions", params(("id" = String, Path, description = "The session id"), ("participant" = String, Path, description = "The participant id")), responses((status = 200, description = "Left (refunded if paid)", body = ParticipantView)))]
pub async fn leave(
    State(app): State<AppState>,
    PathParams((id, participant)): PathParams<(String, String)>,
) -> Result<Json<ParticipantView>, ApiError> {
    let session: SessionId = parse_id("session", &id)?;
    let participant: ParticipantId = parse_id("participant", &participant)?;
    app.engine
        .leave(session, participant, app.clock.now())
        .await?;
    tracing::info!(%session, %participant, "left");
    app.kicker.kick();
    participant_view(&app, session, participant).await.map(Json)
}

/// `GET /sessions/{id}/participants/{participant}`: one participant and its invoice.
#[utoipa::path(get, path = "/sessions/{id}/participants/{participant}", tag = "sessions", params(("id" = String, Path, description = "The session id"), ("participant" = String, Path, description = "The participant id")), responses((status = 200, description = "The participant and its invoice", body = ParticipantView)))]
pub async fn participant(
    State(app): State<AppState>,
    PathParams((id, participant)): PathParams<(String, String)>,
) -> Result<Json<ParticipantView>, ApiError> {
    let session: SessionId = parse_id("session", &id)?;
    let participant: ParticipantId = parse_id("participant", &participant)?;
    participant_view(&app, session, participant).await.map(Json)
}

/// The 404 of a participant the session does not have (also what a stranger's read
/// of someone else's participant gets).
pub fn unknown_participant(session: SessionId, participant: ParticipantId) -> ApiError {
    ApiError::not_found(
        "session.unknown_participant",
        format!("session {session} has no participant {participant}"),
    )
}

async fn participant_view(
    app: &AppState,
    session: SessionId,
    participant: ParticipantId,
) -> Result<ParticipantView, ApiError> {
    let found = app
        .engine
        .participant(session, participant)
        .await?
        .ok_or_else(|| unknown_participant(session, participant))?;
    let invoice = app.engine.invoice(found.payment).await?;
    Ok(ParticipantView {
        participant: found,
        invoice: invoice.map(Into::into),
    })
}
