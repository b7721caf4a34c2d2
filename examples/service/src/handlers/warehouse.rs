//! The warehouse's reads: a product's stock, and the purchase orders to the factory
//! with what arrived under them and what is still expected.

use axum::extract::State;
use axum::Json;
use patungan_core::grosir::StockLevel;
use patungan_core::stock::StockLine;
use patungan_core::{ProductId, SessionId, VariantId};
use patungan_engine::{PurchaseOrderRecord, StockRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::extract::{parse_id, PathParams, QueryParams};
use crate::state::AppState;

/// `GET /warehouse/stock/{product}`: the product's stock, line by line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StockView {
    /// The product.
    #[schema(value_type = String, format = Uuid)]
    pub product: ProductId,
    /// One line per variant ever stocked (the product without variants: one line
    /// whose `variant` is null); empty before any unit arrived.
    pub lines: Vec<StockLineView>,
}

/// The counters of one variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct StockLineView {
    /// The variant; null for a product sold without variants.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub variant: Option<VariantId>,
    /// Units in the warehouse.
    pub on_hand: u64,
    /// Units held for orders that have not shipped.
    pub reserved: u64,
    /// Units on hand counted on by sessions awaiting their purchase orders.
    pub pledged: u64,
    /// Units a new plan may count on: on hand − reserved − pledged (at least 0).
    pub free: u64,
}

impl From<&StockLine> for StockLineView {
    fn from(line: &StockLine) -> Self {
        StockLineView {
            variant: line.variant,
            on_hand: line.on_hand,
            reserved: line.reserved,
            pledged: line.pledged,
            free: line.free(),
        }
    }
}

impl From<&StockRecord> for StockView {
    fn from(stock: &StockRecord) -> Self {
        StockView {
            product: stock.product(),
            lines: stock.lines().map(StockLineView::from).collect(),
        }
    }
}

/// A purchase order: the core's record (session, order, pledge, status) with the
/// units received so far and those still expected, per variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PurchaseOrderView {
    /// The core's record: `session`, `purchase_order` (bundles, lines, costs),
    /// `pledged` and `status` (`issued`, `received` with `received_units`, `closed`,
    /// `cancelled`).
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub record: PurchaseOrderRecord,
    /// Units received so far per variant (all once closed).
    #[schema(schema_with = crate::openapi::core::stock_levels)]
    pub received: Vec<StockLevel>,
    /// Units still expected per variant (none once closed or cancelled).
    #[schema(schema_with = crate::openapi::core::stock_levels)]
    pub outstanding: Vec<StockLevel>,
}

impl From<PurchaseOrderRecord> for PurchaseOrderView {
    fn from(record: PurchaseOrderRecord) -> Self {
        PurchaseOrderView {
            received: record.received(),
            outstanding: record.outstanding(),
            record,
        }
    }
}

/// `GET /warehouse/purchase-orders?status=…`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PurchaseOrderQuery {
    /// `open` (issued or partly received), `awaiting_approval`, `issued`, `received`, `closed` or
    /// `cancelled`; every purchase order when absent.
    #[serde(default)]
    pub status: Option<String>,
}

/// The purchase order statuses a list may ask for.
const PURCHASE_ORDER_STATUSES: [&str; 5] = [
    "awaiting_approval",
    "issued",
    "received",
    "closed",
    "cancelled",
];

/// `GET /warehouse/stock/{product}`: stock levels per variant (on hand, reserved,
/// pledged, free).
#[utoipa::path(get, path = "/warehouse/stock/{product}", tag = "warehouse", params(("product" = String, Path, description = "The product id")), responses((status = 200, description = "The stock per variant", body = StockView)))]
pub async fn stock(
    State(app): State<AppState>,
    PathParams(product): PathParams<String>,
) -> Result<Json<StockView>, ApiError> {
    let product: ProductId = parse_id("product", &product)?;
    let stock = app.engine.stock(product).await?;
    Ok(Json(StockView::from(&stock)))
}

/// `GET /warehouse/purchase-orders/{session}`: the session's purchase order, what
/// arrived and what is outstanding.
#[utoipa::path(get, path = "/warehouse/purchase-orders/{session}", tag = "warehouse", params(("session" = String, Path, description = "The session id")), responses((status = 200, description = "The purchase order", body = PurchaseOrderView)))]
pub async fn purchase_order(
    State(app): State<AppState>,
    PathParams(session): PathParams<String>,
) -> Result<Json<PurchaseOrderView>, ApiError> {
    let session: SessionId = parse_id("session", &session)?;
    let record = app.engine.purchase_order(session).await?.ok_or_else(|| {
        ApiError::not_found(
            "purchase_order.unknown",
            format!("session {session} has no purchase order"),
        )
    })?;
    Ok(Json(record.into()))
}

/// `GET /warehouse/purchase-orders?status=…`: purchase orders by session id, all or
/// those with a status (`open`: more units may still arrive).
#[utoipa::path(get, path = "/warehouse/purchase-orders", tag = "warehouse", params(PurchaseOrderQuery), responses((status = 200, description = "The purchase orders, by session id", body = Vec<PurchaseOrderView>)))]
pub async fn purchase_orders(
    State(app): State<AppState>,
    QueryParams(query): QueryParams<PurchaseOrderQuery>,
) -> Result<Json<Vec<PurchaseOrderView>>, ApiError> {
    let wanted = query.status.as_deref().map(str::trim).unwrap_or_default();
    let open_only = wanted == "open";
    if !(wanted.is_empty() || open_only || PURCHASE_ORDER_STATUSES.contains(&wanted)) {
        return Err(ApiError::bad_request(
            "request.invalid_query",
            format!(
                "status must be one of open, awaiting_approval, issued, received, closed, cancelled, not `{}`",
                wanted.chars().take(32).collect::<String>()
            ),
        ));
    }
    let exact = !(wanted.is_empty() || open_only);
    let orders = app.engine.purchase_orders(open_only).await?;
    Ok(Json(
        orders
            .into_iter()
            .filter(|o| !exact || o.status().as_str() == wanted)
            .map(PurchaseOrderView::from)
            .collect(),
    ))
}
