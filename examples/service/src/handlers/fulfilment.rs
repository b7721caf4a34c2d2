//! After joining: shipping quotes, users' orders and notifications, the warehouse's
//! receipts.

use axum::extract::State;
use axum::Json;
use patungan_core::grosir::StockLevel;
use patungan_core::inbox::InboxEntry;
use patungan_core::orders::Order;
use patungan_core::quotes::Delivery;
use patungan_core::quotes::{Destination, Quote, QuoteRequest};
use patungan_core::{OrderId, SessionId, UserId};
use patungan_engine::ports::Tracking;
use patungan_engine::{EngineError, UserOrder};
use uuid::Uuid;

use crate::dto::{QuoteBody, ReceiptBody, ReceiptView};
use crate::error::ApiError;
use crate::extract::{parse_id, JsonBody, PathParams};
use crate::state::AppState;

/// `POST /sessions/{id}/quotes`: courier prices for delivering the units to the
/// destination, valid for 15 minutes; a join names the quote and one service.
#[utoipa::path(post, path = "/sessions/{id}/quotes", tag = "sessions", params(("id" = String, Path, description = "The session id")), request_body = QuoteBody, responses((status = 200, description = "The courier offers, valid until expires_at", body = Object)))]
pub async fn quote(
    State(app): State<AppState>,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<QuoteBody>,
) -> Result<Json<Quote>, ApiError> {
    let session: SessionId = parse_id("session", &id)?;
    let destination = match (body.postal_code, body.area_id) {
        (Some(code), None) => Destination::PostalCode(code.trim().to_owned()),
        (None, Some(area)) => Destination::AreaId(area.trim().to_owned()),
        _ => {
            return Err(ApiError::bad_request(
                "quote.destination_required",
                "name the destination by exactly one of postal_code and area_id",
            ))
        }
    };
    let request = QuoteRequest {
        id: body.quote,
        user: body.user,
        destination,
        variant: body.variant,
        quantity: body.quantity,
    };
    Ok(Json(
        app.engine.quote(session, request, app.clock.now()).await?,
    ))
}

/// `GET /users/{user}/notifications`: the user's inbox, newest first.
#[utoipa::path(get, path = "/users/{user}/notifications", tag = "notifications", params(("user" = String, Path, description = "The user id")), responses((status = 200, description = "The inbox, newest first", body = Vec<Object>)))]
pub async fn notifications(
    State(app): State<AppState>,
    PathParams(user): PathParams<String>,
) -> Result<Json<Vec<InboxEntry>>, ApiError> {
    let user: UserId = parse_id("user", &user)?;
    Ok(Json(app.engine.inbox(user).await?))
}

/// `GET /users/{user}/orders`: the user's orders with their status and delivery.
#[utoipa::path(get, path = "/users/{user}/orders", tag = "orders", params(("user" = String, Path, description = "The user id")), responses((status = 200, description = "The orders, each with the delivery its join chose", body = Vec<Object>)))]
pub async fn orders(
    State(app): State<AppState>,
    PathParams(user): PathParams<String>,
) -> Result<Json<Vec<UserOrder>>, ApiError> {
    let user: UserId = parse_id("user", &user)?;
    Ok(Json(app.engine.orders_of(user).await?))
}

/// `GET /users/{user}/orders/{order}`: one of the user's orders with its delivery,
/// shipment and the provider's tracking, fetched now (left out when the provider
/// does not answer).
#[utoipa::path(get, path = "/users/{user}/orders/{order}", tag = "orders", params(("user" = String, Path, description = "The user id"), ("order" = String, Path, description = "The order id")), responses((status = 200, description = "The order page", body = Object)))]
pub async fn order_page(
    State(app): State<AppState>,
    PathParams((user, order)): PathParams<(String, String)>,
) -> Result<Json<OrderPage>, ApiError> {
    let user: UserId = parse_id("user", &user)?;
    let id: OrderId = parse_id("order", &order)?;
    let unknown = || ApiError::from(EngineError::UnknownOrder(id));
    let order = app.engine.order_by_id(id).await.map_err(|_| unknown())?;
    if order.user() != user {
        return Err(unknown());
    }
    let delivery = app.engine.delivery(order.participant()).await?;
    let tracking = match app.engine.tracking(id).await {
        Ok(tracking) => tracking,
        Err(error) => {
            tracing::warn!(order = %id, code = error.code(), "tracking unavailable");
            None
        }
    };
    Ok(Json(OrderPage {
        order,
        delivery,
        tracking,
    }))
}

/// An order page: the order (status, shipment, hold), its delivery and tracking.
#[derive(Debug, serde::Serialize)]
pub struct OrderPage {
    /// The order.
    pub order: Order,
    /// The delivery its join chose.
    pub delivery: Option<Delivery>,
    /// The provider's tracking of its standing shipment.
    pub tracking: Option<Tracking>,
}

/// `GET /warehouse/orders/awaiting-operator`: orders whose shipment cannot be booked
/// without an operator (bookings refused three times, or no recipient).
#[utoipa::path(get, path = "/warehouse/orders/awaiting-operator", tag = "warehouse", responses((status = 200, description = "The orders waiting, each with why", body = Vec<Object>)))]
pub async fn orders_awaiting_operator(
    State(app): State<AppState>,
) -> Result<Json<Vec<Order>>, ApiError> {
    Ok(Json(app.engine.orders_awaiting_operator().await?))
}

/// `POST /warehouse/orders/{order}/retry-shipment`: books a waiting order's shipment
/// once more.
#[utoipa::path(post, path = "/warehouse/orders/{order}/retry-shipment", tag = "warehouse", params(("order" = String, Path, description = "The order id")), responses((status = 200, description = "A booking is queued", body = Object)))]
pub async fn retry_shipment(
    State(app): State<AppState>,
    PathParams(order): PathParams<String>,
) -> Result<Json<Order>, ApiError> {
    let id: OrderId = parse_id("order", &order)?;
    let order = app.engine.retry_shipment(id, app.clock.now()).await?;
    tracing::info!(order = %id, "shipment booking retried by an operator");
    app.kicker.kick();
    Ok(Json(order))
}

/// `POST /admin/orders/{order}/cancel`: cancels an order that has not shipped; its
/// units go back to free stock and the buyer's wallet gets goods and courier back.
#[utoipa::path(post, path = "/admin/orders/{order}/cancel", tag = "admin", params(("order" = String, Path, description = "The order id")), responses((status = 200, description = "Cancelled (again: no change)", body = Object)))]
pub async fn cancel_order(
    State(app): State<AppState>,
    PathParams(order): PathParams<String>,
) -> Result<Json<Order>, ApiError> {
    let id: OrderId = parse_id("order", &order)?;
    let order = app.engine.cancel_order(id, app.clock.now()).await?;
    tracing::info!(order = %id, "order cancelled by an operator");
    Ok(Json(order))
}

/// `POST /users/{user}/notifications/{notification}/read`: marks one entry read
/// (again: no change).
#[utoipa::path(post, path = "/users/{user}/notifications/{notification}/read", tag = "notifications", params(("user" = String, Path, description = "The user id"), ("notification" = String, Path, description = "The inbox entry id")), responses((status = 200, description = "The entry, read", body = Object)))]
pub async fn mark_read(
    State(app): State<AppState>,
    PathParams((user, entry)): PathParams<(String, String)>,
) -> Result<Json<InboxEntry>, ApiError> {
    let user: UserId = parse_id("user", &user)?;
    let entry: Uuid = parse_id("notification", &entry)?;
    Ok(Json(
        app.engine.mark_read(user, entry, app.clock.now()).await?,
    ))
}

/// `POST /warehouse/sessions/{id}/receipts`: units of the session's purchase order
/// that arrived; the order stays open until every unit did, then the session
/// confirms. Each receipt's goods cost becomes owed to the factory.
#[utoipa::path(post, path = "/warehouse/sessions/{id}/receipts", tag = "warehouse", params(("id" = String, Path, description = "The session id")), request_body = ReceiptBody, responses((status = 200, description = "Received", body = ReceiptView)))]
pub async fn receive_stock(
    State(app): State<AppState>,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<ReceiptBody>,
) -> Result<Json<ReceiptView>, ApiError> {
    let session: SessionId = parse_id("session", &id)?;
    let levels: Vec<StockLevel> = body
        .lines
        .iter()
        .map(|l| StockLevel::new(l.variant, l.units))
        .collect();
    let complete = app
        .engine
        .receive_stock(session, &levels, app.clock.now())
        .await?;
    tracing::info!(%session, complete, "purchase order receipt");
    app.kicker.kick();
    let status = app.engine.session(session).await?.session.status();
    Ok(Json(ReceiptView {
        complete,
        status: status.to_string(),
    }))
}
