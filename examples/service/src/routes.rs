//! The HTTP routes: one table, [`ROUTES`], gives each route its method, path, handler
//! and access [`Rule`]; the router is built from it, so no route exists without a rule.
//!
//! | Method | Path | Rule | What |
//! |---|---|---|---|
//! | GET | `/health` | public | store reachable, which parts are real |
//! | GET | `/openapi.json` | public | the OpenAPI 3.1 document ([`crate::openapi`]) |
//! | POST | `/admin/sessions` | admin | create a session |
//! | POST | `/admin/sessions/{id}/cancel` | admin | cancel, refunding everyone paid |
//! | POST | `/admin/sessions/{id}/stock-received` | warehouse | the purchase order arrived |
//! | GET | `/admin/reconciliation` | admin | the operations report: ledger, suspense, anomalies, refunds waiting |
//! | GET | `/admin/anomalies` | admin | payment anomalies, open and closed |
//! | GET | `/admin/refunds/awaiting-operator` | admin | refunds whose attempts are spent |
//! | POST | `/admin/refunds/{reference}/retry` | admin | retry such a refund through the gateway |
//! | POST | `/admin/refunds/{reference}/credit-wallet` | admin | credit it to the payer's wallet instead |
//! | GET | `/admin/factory-payouts` | admin | payouts of received goods to the factory |
//! | POST | `/admin/factory-payouts/{id}/retry` | admin | send a failed factory payout again |
//! | POST | `/admin/purchase-orders/{session}/approve` | admin | issue a purchase order held for approval |
//! | POST | `/warehouse/sessions/{id}/receipts` | warehouse | units of the purchase order that arrived |
//! | GET | `/sessions` | any token | sessions by id, filtered by status and product, in pages |
//! | GET | `/sessions/{id}` | any token | status, fill, price now, settlement; ladder, bot policy, config and availability for offline previews |
//! | POST | `/sessions/{id}/quotes` | owner of `user` | courier prices to a destination (15 min) |
//! | GET | `/users/{user}/orders` | owner | the user's orders and their deliveries |
//! | GET | `/users/{user}/orders/{order}` | owner | an order with its shipment and tracking |
//! | GET | `/warehouse/orders/awaiting-operator` | warehouse | orders whose booking needs an operator |
//! | GET | `/warehouse/stock/{product}` | warehouse | stock per variant: on hand, reserved, pledged, free |
//! | GET | `/warehouse/purchase-orders` | warehouse | purchase orders, all or by status (`open` …) |
//! | GET | `/warehouse/purchase-orders/{session}` | warehouse | a purchase order: received and outstanding |
//! | POST | `/warehouse/orders/{order}/retry-shipment` | warehouse | book such an order once more |
//! | POST | `/admin/orders/{order}/cancel` | admin | cancel an unshipped order, refunding it |
//! | GET | `/users/{user}/notifications` | owner | the user's inbox |
//! | POST | `/users/{user}/notifications/{notification}/read` | owner | mark an entry read |
//! | GET | `/sessions/{id}/preview?extra=N` | any token | the tier preview with N more units |
//! | POST | `/sessions/{id}/join` | owner of `user` | join: cost breakdown and invoice URL |
//! | GET | `/sessions/{id}/participants/{p}` | owner | a participant and its invoice |
//! | POST | `/sessions/{id}/participants/{p}/leave` | owner | leave (refund if paid) |
//! | GET | `/wallets/{user}` | owner | wallet balance |
//! | POST | `/wallets/{user}/withdrawals` | owner | request a withdrawal |
//! | GET | `/withdrawals/{id}` | owner | a withdrawal's status |
//! | POST | `/webhooks/xendit/...` | webhook | Xendit callbacks (invoice, refund, disbursement, batch) |
//! | POST | `/webhooks/biteship` | webhook | Biteship order webhook |
//! | POST | `/simulator/...` | admin | simulated payer and bank (simulated gateway only) |

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;

use crate::auth::rules::{authorize, Guard};
use crate::auth::{Owner, Rule};
use crate::error::ApiError;
use crate::handlers::{
    admin, fulfilment, health, listing, sessions, simulator, wallets, warehouse, webhooks,
};
use crate::state::AppState;

/// The largest request body accepted on every route: 1 MiB (docs/domain.md §12; a Xendit
/// batch callback of 1 000 payouts is far smaller). Larger bodies answer 413.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// An HTTP method of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// GET.
    Get,
    /// POST.
    Post,
}

impl Verb {
    /// The method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
        }
    }

    fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
        }
    }
}

/// The handler behind a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // each variant is named after its handler
pub enum Endpoint {
    Health,
    OpenApi,
    CreateSession,
    CancelSession,
    StockReceived,
    ReceiveStock,
    Reconciliation,
    Anomalies,
    RefundsAwaitingOperator,
    RetryRefund,
    FactoryPayouts,
    RetryFactoryPayout,
    ApprovePurchaseOrder,
    CreditRefundToWallet,
    SessionStatus,
    SessionList,
    Preview,
    Quote,
    Join,
    Participant,
    Leave,
    Wallet,
    RequestWithdrawal,
    Withdrawal,
    Orders,
    OrderPage,
    OrdersAwaitingOperator,
    Stock,
    PurchaseOrders,
    PurchaseOrder,
    RetryShipment,
    CancelOrder,
    Notifications,
    MarkRead,
    XenditInvoice,
    XenditRefund,
    XenditDisbursement,
    XenditBatchDisbursement,
    Biteship,
    SimulatorPay,
    SimulatorSettleRefunds,
    SimulatorSettlePayouts,
}

/// One route of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteSpec {
    /// The method.
    pub verb: Verb,
    /// The path, with `{name}` segments.
    pub path: &'static str,
    /// The handler.
    pub endpoint: Endpoint,
    /// Who may call it.
    pub rule: Rule,
    /// Whether it exists only while the simulated providers are in use.
    pub simulated_only: bool,
    /// Whether it is rate-limited per user and per IP ([`crate::limits`]).
    pub rate_limited: bool,
}

const fn route(verb: Verb, path: &'static str, endpoint: Endpoint, rule: Rule) -> RouteSpec {
    RouteSpec {
        verb,
        path,
        endpoint,
        rule,
        simulated_only: false,
        rate_limited: false,
    }
}

/// A rate-limited route.
const fn limited(verb: Verb, path: &'static str, endpoint: Endpoint, rule: Rule) -> RouteSpec {
    RouteSpec {
        rate_limited: true,
        ..route(verb, path, endpoint, rule)
    }
}

const fn simulator(path: &'static str, endpoint: Endpoint) -> RouteSpec {
    RouteSpec {
        verb: Verb::Post,
        path,
        endpoint,
        rule: Rule::Admin,
        simulated_only: true,
        rate_limited: false,
    }
}

use Verb::{Get, Post};

/// Every route of the service with its rule (docs/domain.md §12).
pub const ROUTES: &[RouteSpec] = &[
    route(Get, "/health", Endpoint::Health, Rule::Public),
    route(
        Post,
        "/admin/sessions",
        Endpoint::CreateSession,
        Rule::Admin,
    ),
    route(Get, "/openapi.json", Endpoint::OpenApi, Rule::Public),
    route(
        Post,
        "/admin/sessions/{id}/cancel",
        Endpoint::CancelSession,
        Rule::Admin,
    ),
    route(
        Post,
        "/admin/sessions/{id}/stock-received",
        Endpoint::StockReceived,
        Rule::Warehouse,
    ),
    route(
        Post,
        "/warehouse/sessions/{id}/receipts",
        Endpoint::ReceiveStock,
        Rule::Warehouse,
    ),
    route(
        Get,
        "/admin/reconciliation",
        Endpoint::Reconciliation,
        Rule::Admin,
    ),
    route(Get, "/admin/anomalies", Endpoint::Anomalies, Rule::Admin),
    route(
        Get,
        "/admin/refunds/awaiting-operator",
        Endpoint::RefundsAwaitingOperator,
        Rule::Admin,
    ),
    route(
        Post,
        "/admin/refunds/{reference}/retry",
        Endpoint::RetryRefund,
        Rule::Admin,
    ),
    route(
        Post,
        "/admin/refunds/{reference}/credit-wallet",
        Endpoint::CreditRefundToWallet,
        Rule::Admin,
    ),
    route(
        Get,
        "/admin/factory-payouts",
        Endpoint::FactoryPayouts,
        Rule::Admin,
    ),
    route(
        Post,
        "/admin/factory-payouts/{id}/retry",
        Endpoint::RetryFactoryPayout,
        Rule::Admin,
    ),
    route(
        Post,
        "/admin/purchase-orders/{session}/approve",
        Endpoint::ApprovePurchaseOrder,
        Rule::Admin,
    ),
    route(Get, "/sessions", Endpoint::SessionList, Rule::Authenticated),
    route(
        Get,
        "/sessions/{id}",
        Endpoint::SessionStatus,
        Rule::Authenticated,
    ),
    limited(
        Get,
        "/sessions/{id}/preview",
        Endpoint::Preview,
        Rule::Authenticated,
    ),
    limited(
        Post,
        "/sessions/{id}/quotes",
        Endpoint::Quote,
        Rule::Owner(Owner::BodyUser),
    ),
    limited(
        Post,
        "/sessions/{id}/join",
        Endpoint::Join,
        Rule::Owner(Owner::BodyUser),
    ),
    route(
        Get,
        "/sessions/{id}/participants/{participant}",
        Endpoint::Participant,
        Rule::Owner(Owner::Participant),
    ),
    route(
        Post,
        "/sessions/{id}/participants/{participant}/leave",
        Endpoint::Leave,
        Rule::Owner(Owner::Participant),
    ),
    route(
        Get,
        "/wallets/{user}",
        Endpoint::Wallet,
        Rule::Owner(Owner::PathUser),
    ),
    limited(
        Post,
        "/wallets/{user}/withdrawals",
        Endpoint::RequestWithdrawal,
        Rule::Owner(Owner::PathUser),
    ),
    route(
        Get,
        "/withdrawals/{id}",
        Endpoint::Withdrawal,
        Rule::Owner(Owner::Withdrawal),
    ),
    route(
        Get,
        "/users/{user}/orders",
        Endpoint::Orders,
        Rule::Owner(Owner::PathUser),
    ),
    route(
        Get,
        "/users/{user}/orders/{order}",
        Endpoint::OrderPage,
        Rule::Owner(Owner::PathUser),
    ),
    route(
        Get,
        "/warehouse/orders/awaiting-operator",
        Endpoint::OrdersAwaitingOperator,
        Rule::Warehouse,
    ),
    route(
        Get,
        "/warehouse/stock/{product}",
        Endpoint::Stock,
        Rule::Warehouse,
    ),
    route(
        Get,
        "/warehouse/purchase-orders",
        Endpoint::PurchaseOrders,
        Rule::Warehouse,
    ),
    route(
        Get,
        "/warehouse/purchase-orders/{session}",
        Endpoint::PurchaseOrder,
        Rule::Warehouse,
    ),
    route(
        Post,
        "/warehouse/orders/{order}/retry-shipment",
        Endpoint::RetryShipment,
        Rule::Warehouse,
    ),
    route(
        Post,
        "/admin/orders/{order}/cancel",
        Endpoint::CancelOrder,
        Rule::Admin,
    ),
    route(
        Get,
        "/users/{user}/notifications",
        Endpoint::Notifications,
        Rule::Owner(Owner::PathUser),
    ),
    route(
        Post,
        "/users/{user}/notifications/{notification}/read",
        Endpoint::MarkRead,
        Rule::Owner(Owner::PathUser),
    ),
    route(
        Post,
        "/webhooks/xendit/invoice",
        Endpoint::XenditInvoice,
        Rule::Webhook,
    ),
    route(
        Post,
        "/webhooks/xendit/refund",
        Endpoint::XenditRefund,
        Rule::Webhook,
    ),
    route(
        Post,
        "/webhooks/xendit/disbursement",
        Endpoint::XenditDisbursement,
        Rule::Webhook,
    ),
    route(
        Post,
        "/webhooks/xendit/batch-disbursement",
        Endpoint::XenditBatchDisbursement,
        Rule::Webhook,
    ),
    route(
        Post,
        "/webhooks/biteship",
        Endpoint::Biteship,
        Rule::Webhook,
    ),
    simulator("/simulator/payments/{payment}/pay", Endpoint::SimulatorPay),
    simulator(
        "/simulator/refunds/settle",
        Endpoint::SimulatorSettleRefunds,
    ),
    simulator(
        "/simulator/payouts/settle",
        Endpoint::SimulatorSettlePayouts,
    ),
];

/// The routes `state` serves: the whole table, less the simulator without simulated
/// providers.
pub fn active_routes(state: &AppState) -> impl Iterator<Item = &'static RouteSpec> {
    let simulated = state.simulated.is_some();
    ROUTES
        .iter()
        .filter(move |r| simulated || !r.simulated_only)
}

/// The handler of `spec` for its method.
fn handler(spec: &RouteSpec) -> MethodRouter<AppState> {
    let f = spec.verb.filter();
    match spec.endpoint {
        Endpoint::Health => on(f, health::health),
        Endpoint::OpenApi => on(f, crate::openapi::openapi_json),
        Endpoint::CreateSession => on(f, admin::create_session),
        Endpoint::CancelSession => on(f, admin::cancel_session),
        Endpoint::StockReceived => on(f, admin::stock_received),
        Endpoint::ReceiveStock => on(f, fulfilment::receive_stock),
        Endpoint::Quote => on(f, fulfilment::quote),
        Endpoint::Orders => on(f, fulfilment::orders),
        Endpoint::OrderPage => on(f, fulfilment::order_page),
        Endpoint::OrdersAwaitingOperator => on(f, fulfilment::orders_awaiting_operator),
        Endpoint::RetryShipment => on(f, fulfilment::retry_shipment),
        Endpoint::CancelOrder => on(f, fulfilment::cancel_order),
        Endpoint::Notifications => on(f, fulfilment::notifications),
        Endpoint::MarkRead => on(f, fulfilment::mark_read),
        Endpoint::Reconciliation => on(f, admin::reconciliation),
        Endpoint::Anomalies => on(f, admin::anomalies),
        Endpoint::RefundsAwaitingOperator => on(f, admin::refunds_awaiting_operator),
        Endpoint::RetryRefund => on(f, admin::retry_refund),
        Endpoint::FactoryPayouts => on(f, admin::factory_payouts),
        Endpoint::RetryFactoryPayout => on(f, admin::retry_factory_payout),
        Endpoint::ApprovePurchaseOrder => on(f, admin::approve_purchase_order),
        Endpoint::CreditRefundToWallet => on(f, admin::credit_refund_to_wallet),
        Endpoint::SessionStatus => on(f, sessions::status),
        Endpoint::SessionList => on(f, listing::list),
        Endpoint::Stock => on(f, warehouse::stock),
        Endpoint::PurchaseOrders => on(f, warehouse::purchase_orders),
        Endpoint::PurchaseOrder => on(f, warehouse::purchase_order),
        Endpoint::Preview => on(f, sessions::preview),
        Endpoint::Join => on(f, sessions::join),
        Endpoint::Participant => on(f, sessions::participant),
        Endpoint::Leave => on(f, sessions::leave),
        Endpoint::Wallet => on(f, wallets::balance),
        Endpoint::RequestWithdrawal => on(f, wallets::request_withdrawal),
        Endpoint::Withdrawal => on(f, wallets::withdrawal),
        Endpoint::XenditInvoice => on(f, webhooks::xendit_invoice),
        Endpoint::XenditRefund => on(f, webhooks::xendit_refund),
        Endpoint::XenditDisbursement => on(f, webhooks::xendit_disbursement),
        Endpoint::XenditBatchDisbursement => on(f, webhooks::xendit_batch_disbursement),
        Endpoint::Biteship => on(f, webhooks::biteship),
        Endpoint::SimulatorPay => on(f, simulator::pay),
        Endpoint::SimulatorSettleRefunds => on(f, simulator::settle_refunds),
        Endpoint::SimulatorSettlePayouts => on(f, simulator::settle_payouts),
    }
}

/// The service's router over `state`, built from [`ROUTES`]: each route's handler
/// behind [`authorize`] with its rule.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for spec in active_routes(&state) {
        let guard = Guard {
            app: state.clone(),
            rule: spec.rule,
        };
        let mut method_router = handler(spec);
        if spec.rate_limited {
            // Inside the guard, so the per-user limiter sees the principal.
            method_router = method_router
                .route_layer(state.limits.user_layer())
                .route_layer(state.limits.ip_layer());
        }
        router = router.route(
            spec.path,
            method_router.route_layer(from_fn_with_state(guard, authorize)),
        );
    }
    let cors_origins = state.cors_origins.clone();
    let router = router
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(from_fn(refuse_declared_oversize))
        .with_state(state);
    crate::layers::around(router, &cors_origins)
}

/// Answers 413 at once when `Content-Length` declares more than [`MAX_BODY_BYTES`],
/// whatever the route; bodies without a length are cut at the limit when read.
async fn refuse_declared_oversize(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(length) if length > MAX_BODY_BYTES as u64 => {
            crate::extract::body_too_large().into_response()
        }
        _ => next.run(request).await,
    }
}

async fn no_route() -> ApiError {
    ApiError::not_found("request.no_route", "no such endpoint; see the README")
}

async fn wrong_method() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "request.method_not_allowed",
        "this endpoint does not take that method",
    )
}
