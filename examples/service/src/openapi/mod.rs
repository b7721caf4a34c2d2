//! The OpenAPI 3.1 document, served at `GET /openapi.json`: operations and bodies
//! from the handlers' and DTOs' annotations; security, error responses and their codes
//! from the route table ([`crate::routes::ROUTES`]), so they cannot drift from the rules
//! that are enforced.

pub mod core;

use axum::Json;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{OpenApi, ToSchema};

use crate::auth::Rule;
use crate::error::ApiError;
use crate::routes::{RouteSpec, Verb, ROUTES};

/// An amount of money: a decimal string and an ISO 4217 currency.
#[derive(Debug, ToSchema)]
#[schema(as = Money)]
pub struct MoneySchema {
    /// The amount, a decimal string (e.g. `"123"`).
    pub amount: String,
    /// The currency, e.g. `IDR`.
    pub currency: String,
}

/// An error's code and message.
#[derive(Debug, ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code, e.g. `auth.forbidden`.
    pub code: String,
    /// What went wrong and, where it helps, what to do.
    pub message: String,
}

/// Every error answer: `{"error": {"code", "message"}}`.
#[derive(Debug, ToSchema)]
#[schema(as = Error)]
pub struct ErrorSchema {
    /// The error.
    pub error: ErrorDetail,
}

/// The annotated operations and schemas.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "patungan-service",
        description = "The reference HTTP service of Patungan (group buying). Every route but \
                       /health, /openapi.json and the webhooks needs a bearer JWT whose `sub` is \
                       the user id and whose `role` is shopper, warehouse or admin."
    ),
    paths(
        crate::handlers::health::health,
        openapi_json,
        crate::handlers::admin::create_session,
        crate::handlers::admin::cancel_session,
        crate::handlers::admin::stock_received,
        crate::handlers::admin::reconciliation,
        crate::handlers::admin::anomalies,
        crate::handlers::admin::refunds_awaiting_operator,
        crate::handlers::admin::retry_refund,
        crate::handlers::admin::credit_refund_to_wallet,
        crate::handlers::admin::factory_payouts,
        crate::handlers::admin::retry_factory_payout,
        crate::handlers::admin::approve_purchase_order,
        crate::handlers::sessions::status,
        crate::handlers::listing::list,
        crate::handlers::warehouse::stock,
        crate::handlers::warehouse::purchase_order,
        crate::handlers::warehouse::purchase_orders,
        crate::handlers::sessions::preview,
        crate::handlers::sessions::join,
        crate::handlers::fulfilment::quote,
        crate::handlers::fulfilment::orders,
        crate::handlers::fulfilment::order_page,
        crate::handlers::fulfilment::orders_awaiting_operator,
        crate::handlers::fulfilment::retry_shipment,
        crate::handlers::fulfilment::cancel_order,
        crate::handlers::fulfilment::notifications,
        crate::handlers::fulfilment::mark_read,
        crate::handlers::fulfilment::receive_stock,
        crate::handlers::sessions::participant,
        crate::handlers::sessions::leave,
        crate::handlers::wallets::balance,
        crate::handlers::wallets::request_withdrawal,
        crate::handlers::wallets::withdrawal,
        crate::handlers::webhooks::xendit_invoice,
        crate::handlers::webhooks::xendit_refund,
        crate::handlers::webhooks::xendit_disbursement,
        crate::handlers::webhooks::xendit_batch_disbursement,
        crate::handlers::webhooks::biteship,
        crate::handlers::simulator::pay,
        crate::handlers::simulator::settle_refunds,
        crate::handlers::simulator::settle_payouts,
    ),
    components(schemas(MoneySchema, ErrorDetail, ErrorSchema))
)]
struct ApiDoc;

/// The name of the bearer security scheme.
pub const BEARER: &str = "bearer";

/// The whole document: the annotations, with each route's security and error
/// responses added from its rule.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some(
                    "A JWT: signature, exp, nbf, iss and aud checked; sub is the user id \
                     (UUID), role one of shopper, warehouse, admin.",
                ))
                .build(),
        ),
    );
    for spec in ROUTES {
        if let Some(item) = doc.paths.paths.get_mut(spec.path) {
            if let Some(operation) = operation(item, spec.verb) {
                add_rule(operation, spec);
            }
        }
    }
    doc
}

fn operation(item: &mut PathItem, verb: Verb) -> Option<&mut Operation> {
    match verb {
        Verb::Get => item.get.as_mut(),
        Verb::Post => item.post.as_mut(),
    }
}

/// Adds `spec`'s security requirement and the error answers its rule and limits imply.
fn add_rule(operation: &mut Operation, spec: &RouteSpec) {
    let mut errors: Vec<(&str, &str)> = vec![(
        "400",
        "Malformed request: `request.invalid_json` (also an unknown field, named), \
         `request.invalid_id`, `request.invalid_path`, `request.invalid_query`, a control \
         character (`withdrawal.control_character` …).",
    )];
    if spec.rule.needs_token() {
        operation.security = Some(vec![SecurityRequirement::new(BEARER, Vec::<String>::new())]);
        errors.push((
            "401",
            "No or unusable bearer token: `auth.missing_token`, `auth.invalid_token`.",
        ));
        errors.push((
            "403",
            "`auth.forbidden`: the token's role may not call this route, or it writes \
             another user's resource.",
        ));
    }
    if spec.rule == Rule::Webhook {
        errors.push((
            "401",
            "The provider's proof is missing or wrong: `xendit.webhook.*` (the \
             x-callback-token) or `biteship.webhook.*` (the x-biteship-signature HMAC; \
             `biteship.webhook.secret_not_configured` without a configured secret).",
        ));
    }
    errors.push((
        "404",
        "Unknown id (`engine.unknown_session`, `engine.unknown_withdrawal`, \
         `session.unknown_participant`, `wallet.unknown` …), also for another user's \
         resource on a read; `request.no_route`.",
    ));
    if spec.verb == Verb::Post {
        errors.push((
            "409",
            "Refused by the current state: `session.stale_price`, `session.ended`, \
             `wallet.insufficient_balance`, `withdrawal.exists` …",
        ));
        errors.push(("413", "`request.body_too_large`: the body is over 1 MiB."));
        errors.push((
            "415",
            "`request.not_json`: the body is not `application/json`.",
        ));
        errors.push((
            "422",
            "Invalid values, with the core's code: `session.zero_quantity`, \
             `withdrawal.below_minimum` …",
        ));
    }
    if spec.rate_limited {
        errors.push((
            "429",
            "`request.rate_limited`: too many joins, quotes or withdrawals for this user or \
             IP; `Retry-After` gives the seconds to wait.",
        ));
    }
    errors.push(("503", "`store.unavailable`: retry shortly."));
    for (status, description) in errors {
        let response = ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Error")))
                    .build(),
            )
            .build();
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| response.into());
    }
}

/// The document as JSON, with the core's record schemas added to
/// `components/schemas` (an annotated schema of the same name is kept).
pub fn document_json() -> Result<serde_json::Value, serde_json::Error> {
    let mut doc = serde_json::to_value(document())?;
    if let Some(schemas) = doc
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(|s| s.as_object_mut())
    {
        for (name, schema) in core::definitions() {
            schemas.entry(name).or_insert(schema);
        }
    }
    Ok(doc)
}

/// `GET /openapi.json`: this document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object))
)]
pub async fn openapi_json() -> Result<Json<serde_json::Value>, ApiError> {
    document_json().map(Json).map_err(|e| {
        tracing::error!(%e, "openapi document");
        ApiError::internal("openapi.unavailable")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_of_the_table_is_documented_with_its_security() {
        let json = document_json().unwrap();
        assert!(json["openapi"].as_str().unwrap().starts_with("3.1"));
        for spec in ROUTES {
            let method = spec.verb.as_str().to_ascii_lowercase();
            let op = &json["paths"][spec.path][&method];
            assert!(op.is_object(), "{} {} is missing", method, spec.path);
            assert_eq!(
                op["security"].is_array(),
                spec.rule.needs_token(),
                "{}",
                spec.path
            );
        }
        let documented: usize = json["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|item| item.as_object().unwrap().len())
            .sum();
        assert_eq!(documented, ROUTES.len(), "no operation outside the table");
        // Every reference resolves, the core's records included.
        let mut refs = Vec::new();
        collect_refs(&json, &mut refs);
        assert!(refs.iter().any(|r| r.ends_with("/SessionConfig")));
        for r in refs {
            let name = r.trim_start_matches("#/components/schemas/");
            assert!(
                json["components"]["schemas"][name].is_object(),
                "{r} does not resolve"
            );
        }
    }

    fn collect_refs(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v.as_str()) {
                        ("$ref", Some(r)) => out.push(r.to_owned()),
                        _ => collect_refs(v, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
            _ => {}
        }
    }
}
