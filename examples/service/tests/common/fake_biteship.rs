//! A fake Biteship on 127.0.0.1 (wiremock) that keeps state: courier rates
//! (`POST /v1/rates/couriers`), orders (`POST /v1/orders`, `GET /v1/orders/{id}`) and
//! trackings (`GET /v1/trackings/{tracking id}`), in Biteship's documented wire format
//! (the shapes of adapters/biteship/tests/fixtures: `rates_response.json`,
//! `order_created.json`, `tracking.json`, the `error_*.json` bodies). An order has an
//! id and a separate courier tracking id, as at Biteship. The test plays the courier
//! through it ([`FakeBiteship::advance`] and friends) and gets the webhook bodies
//! Biteship would send (`order.status`, `order.waybill_id`, `order.price`).

use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use patungan_service::clock::{Clock, ManualClock};
use serde_json::{json, Value};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const API_KEY: &str = "biteship_test.E2E_FAKE_KEY";

/// The courier services the fake prices: (courier, service, price, duration).
pub const SERVICES: [(&str, &str, u64, &str); 3] = [
    ("jne", "reg", 15_000, "1 - 2 days"),
    ("sicepat", "halu", 11_000, "2 - 4 days"),
    ("jnt", "ez", 13_000, "2 - 3 days"),
];

/// One step of an order's history.
#[derive(Debug, Clone)]
pub struct Step {
    pub status: String,
    pub at: DateTime<Utc>,
    pub note: String,
}

/// An order booked at the fake.
#[derive(Debug, Clone)]
pub struct BookedOrder {
    pub id: String,
    pub tracking_id: String,
    /// What `POST /v1/orders` received.
    pub request: Value,
    pub reference_id: String,
    pub courier_company: String,
    pub courier_type: String,
    pub price: u64,
    pub status: String,
    pub waybill_id: Option<String>,
    pub history: Vec<Step>,
}

#[derive(Debug, Default)]
pub struct State {
    /// Every `POST /v1/rates/couriers` body received.
    pub rate_requests: Vec<Value>,
    /// Orders in booking order.
    pub orders: Vec<BookedOrder>,
    /// `GET /v1/trackings/{id}` calls (found or not).
    pub tracking_gets: u32,
    /// `GET /v1/orders/{id}` calls (found or not).
    pub order_gets: u32,
    pub unauthenticated: u32,
    /// Requests that broke Biteship's rules (checked by the test at the end).
    pub violations: Vec<String>,
    counter: u64,
}

impl State {
    fn next_id(&mut self, salt: u64) -> String {
        self.counter += 1;
        // Biteship's ids are 24 hex digits (Mongo object ids).
        format!("{:08x}{:016x}", 0x5dd5_99eb_u64 + salt, self.counter)
    }

    pub fn order(&self, id: &str) -> Option<&BookedOrder> {
        self.orders.iter().find(|o| o.id == id)
    }

    /// The orders booked under our order id (`reference_id`), oldest first.
    pub fn orders_for(&self, reference: &str) -> Vec<BookedOrder> {
        self.orders
            .iter()
            .filter(|o| o.reference_id == reference)
            .cloned()
            .collect()
    }
}

/// Biteship writes times in WIB (`+07:00`).
fn stamp(at: DateTime<Utc>) -> String {
    let wib = FixedOffset::east_opt(7 * 3600).unwrap();
    at.with_timezone(&wib)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn error(status: u16, code: u64, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "success": false,
        "error": message,
        "code": code,
    }))
}

fn violation(state: &mut State, message: String) -> ResponseTemplate {
    state.violations.push(message.clone());
    error(400, 40_002_010, &message)
}

/// Whether a location is given the way Biteship takes it (postal code as a number,
/// area id, or coordinates).
fn located(body: &Value, end: &str) -> bool {
    body[format!("{end}_postal_code")].is_u64()
        || body[format!("{end}_area_id")].is_string()
        || (body[format!("{end}_latitude")].is_f64() && body[format!("{end}_longitude")].is_f64())
        || body[format!("{end}_coordinate")]["latitude"].is_f64()
}

fn items_ok(body: &Value) -> bool {
    body["items"].as_array().is_some_and(|items| {
        !items.is_empty()
            && items.iter().all(|i| {
                i["name"].as_str().is_some_and(|n| !n.is_empty())
                    && i["value"].is_u64()
                    && i["quantity"].as_u64().is_some_and(|q| q > 0)
                    && i["weight"].as_u64().is_some_and(|w| w > 0)
            })
    })
}

fn order_json(o: &BookedOrder) -> Value {
    let r = &o.request;
    json!({
        "success": true,
        "message": "Order successfully created",
        "object": "order",
        "id": o.id,
        "shipper": {
            "name": r["origin_contact_name"],
            "email": null,
            "phone": r["origin_contact_phone"],
            "organization": null,
        },
        "origin": {
            "contact_name": r["origin_contact_name"],
            "contact_phone": r["origin_contact_phone"],
            "address": r["origin_address"],
            "note": "",
            "postal_code": r["origin_postal_code"],
        },
        "destination": {
            "contact_name": r["destination_contact_name"],
            "contact_phone": r["destination_contact_phone"],
            "address": r["destination_address"],
            "postal_code": r["destination_postal_code"],
        },
        "courier": {
            "tracking_id": o.tracking_id,
            "waybill_id": o.waybill_id,
            "company": o.courier_company,
            "name": null,
            "phone": null,
            "type": o.courier_type,
            "link": null,
            "insurance": {"amount": 0, "fee": 0, "note": ""},
            "routing_code": null,
        },
        "delivery": {
            "datetime": o.history.first().map(|s| stamp(s.at)),
            "note": null,
            "type": r["delivery_type"],
            "distance": null,
            "distance_unit": "kilometer",
        },
        "reference_id": o.reference_id,
        "items": r["items"],
        "extra": [],
        "price": o.price,
        "metadata": {},
        "note": "",
        "status": o.status,
    })
}

fn tracking_json(o: &BookedOrder) -> Value {
    let r = &o.request;
    json!({
        "success": true,
        "messsage": "Successfully get tracking info",
        "object": "tracking",
        "id": o.tracking_id,
        "waybill_id": o.waybill_id,
        "courier": {
            "company": o.courier_company,
            "name": "Agus",
            "phone": "0811111111",
            "driver_name": "Agus",
            "driver_phone": "0811111111",
        },
        "origin": {"contact_name": r["origin_contact_name"], "address": r["origin_address"]},
        "destination": {
            "contact_name": r["destination_contact_name"],
            "address": r["destination_address"],
        },
        "history": o.history.iter().map(|s| json!({
            "note": s.note,
            "updated_at": stamp(s.at),
            "status": s.status,
        })).collect::<Vec<_>>(),
        "link": o.waybill_id.as_ref().map(|w| format!("https://track.fake-biteship.invalid/{w}")),
        "order_id": o.id,
        "status": o.status,
    })
}

/// The fake server and its state.
#[derive(Clone)]
pub struct FakeBiteship {
    pub server: Arc<MockServer>,
    state: Arc<Mutex<State>>,
    clock: Arc<ManualClock>,
}

struct Handler {
    state: Arc<Mutex<State>>,
    clock: Arc<ManualClock>,
    route: Route,
}

#[derive(Clone, Copy)]
enum Route {
    Rates,
    CreateOrder,
    GetOrder,
    Tracking,
}

impl Respond for Handler {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap();
        // Biteship takes the API key itself as the Authorization header.
        if request.headers.get("authorization").map(|v| v.as_bytes()) != Some(API_KEY.as_bytes()) {
            state.unauthenticated += 1;
            return error(
                401,
                40_100_001,
                "Authentication failed, please check your API key",
            );
        }
        let now = self.clock.now();
        let last_segment = request
            .url
            .path_segments()
            .and_then(Iterator::last)
            .unwrap_or_default()
            .to_owned();
        match self.route {
            Route::Rates => {
                let Ok(body) = request.body_json::<Value>() else {
                    return violation(&mut state, "rates body is not JSON".into());
                };
                state.rate_requests.push(body.clone());
                if !located(&body, "origin") || !located(&body, "destination") {
                    return violation(
                        &mut state,
                        format!("rates without origin or destination: {body}"),
                    );
                }
                if !items_ok(&body) {
                    return violation(&mut state, format!("rates with bad items: {body}"));
                }
                let Some(couriers) = body["couriers"].as_str().filter(|c| !c.is_empty()) else {
                    return violation(&mut state, format!("rates without couriers: {body}"));
                };
                let asked: Vec<&str> = couriers.split(',').collect();
                let pricing: Vec<Value> = SERVICES
                    .iter()
                    .filter(|(courier, ..)| asked.contains(courier))
                    .map(|(courier, service, price, duration)| {
                        json!({
                            "available_collection_method": ["pickup"],
                            "available_for_cash_on_delivery": false,
                            "available_for_proof_of_delivery": false,
                            "available_for_instant_waybill_id": true,
                            "available_for_insurance": true,
                            "company": courier,
                            "courier_name": courier.to_uppercase(),
                            "courier_code": courier,
                            "courier_service_name": service.to_uppercase(),
                            "courier_service_code": service,
                            "description": "",
                            "duration": duration,
                            "shipment_duration_range": duration.trim_end_matches(" days"),
                            "shipment_duration_unit": "days",
                            "service_type": "standard",
                            "shipping_type": "parcel",
                            "price": price,
                            "type": service,
                        })
                    })
                    .collect();
                ResponseTemplate::new(200).set_body_json(json!({
                    "success": true,
                    "object": "courier_pricing",
                    "message": "Success to retrieve courier pricing",
                    "code": 20_001_003,
                    "origin": {"postal_code": body["origin_postal_code"], "country_code": "ID"},
                    "destination": {
                        "postal_code": body["destination_postal_code"],
                        "country_code": "ID",
                    },
                    "pricing": pricing,
                }))
            }
            Route::CreateOrder => {
                let Ok(body) = request.body_json::<Value>() else {
                    return violation(&mut state, "order body is not JSON".into());
                };
                let text = |field: &str| {
                    body[field]
                        .as_str()
                        .filter(|v| !v.trim().is_empty())
                        .map(str::to_owned)
                };
                let required = [
                    "origin_contact_name",
                    "origin_contact_phone",
                    "origin_address",
                    "destination_contact_name",
                    "destination_contact_phone",
                    "destination_address",
                    "courier_company",
                    "courier_type",
                    "delivery_type",
                    "reference_id",
                ];
                if let Some(missing) = required.iter().find(|f| text(f).is_none()) {
                    return violation(&mut state, format!("order without {missing}: {body}"));
                }
                if !located(&body, "origin") || !located(&body, "destination") {
                    return violation(&mut state, format!("order without locations: {body}"));
                }
                if !items_ok(&body) {
                    return violation(&mut state, format!("order with bad items: {body}"));
                }
                let (courier, service) = (
                    text("courier_company").unwrap(),
                    text("courier_type").unwrap(),
                );
                let Some(&(_, _, price, _)) = SERVICES
                    .iter()
                    .find(|(c, s, ..)| *c == courier && *s == service)
                else {
                    return error(
                        400,
                        40_002_017,
                        "Courier company or courier type is not supported",
                    );
                };
                let id = state.next_id(0);
                let tracking_id = state.next_id(0x1111);
                let order = BookedOrder {
                    id,
                    tracking_id,
                    reference_id: text("reference_id").unwrap(),
                    request: body,
                    courier_company: courier,
                    courier_type: service,
                    price,
                    status: "confirmed".to_owned(),
                    waybill_id: None,
                    history: vec![Step {
                        status: "confirmed".to_owned(),
                        at: now,
                        note: "Courier order is confirmed.".to_owned(),
                    }],
                };
                let answer = order_json(&order);
                state.orders.push(order);
                ResponseTemplate::new(200).set_body_json(answer)
            }
            Route::GetOrder => {
                state.order_gets += 1;
                match state.order(&last_segment) {
                    Some(o) => ResponseTemplate::new(200).set_body_json(order_json(o)),
                    None => error(404, 40_400_002, "Order not found"),
                }
            }
            Route::Tracking => {
                state.tracking_gets += 1;
                match state.orders.iter().find(|o| o.tracking_id == last_segment) {
                    Some(o) => ResponseTemplate::new(200).set_body_json(tracking_json(o)),
                    None => error(404, 40_400_001, "Tracking not found"),
                }
            }
        }
    }
}

impl FakeBiteship {
    pub async fn start(clock: Arc<ManualClock>) -> FakeBiteship {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State::default()));
        let routes: [(&str, wiremock::MockBuilder, Route); 4] = [
            (
                "rates",
                Mock::given(method("POST")).and(path("/v1/rates/couriers")),
                Route::Rates,
            ),
            (
                "create order",
                Mock::given(method("POST")).and(path("/v1/orders")),
                Route::CreateOrder,
            ),
            (
                "get order",
                Mock::given(method("GET")).and(path_regex(r"^/v1/orders/[A-Za-z0-9_-]+$")),
                Route::GetOrder,
            ),
            (
                "tracking",
                Mock::given(method("GET")).and(path_regex(r"^/v1/trackings/[A-Za-z0-9_-]+$")),
                Route::Tracking,
            ),
        ];
        for (name, builder, route) in routes {
            builder
                .respond_with(Handler {
                    state: state.clone(),
                    clock: clock.clone(),
                    route,
                })
                .named(name)
                .mount(&server)
                .await;
        }
        FakeBiteship {
            server: Arc::new(server),
            state,
            clock,
        }
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    /// The orders booked under our order id, oldest first.
    pub fn orders_for(&self, reference: &str) -> Vec<BookedOrder> {
        self.state().orders_for(reference)
    }

    /// The courier moves the order to `status`; returns Biteship's `order.status`
    /// webhook body.
    pub fn advance(&self, order_id: &str, status: &str) -> String {
        let now = self.clock.now();
        let mut state = self.state();
        let order = state
            .orders
            .iter_mut()
            .find(|o| o.id == order_id)
            .expect("no such order at the fake Biteship");
        order.status = status.to_owned();
        order.history.push(Step {
            status: status.to_owned(),
            at: now,
            note: format!("Courier reports {status}."),
        });
        json!({
            "event": "order.status",
            "courier_tracking_id": order.tracking_id,
            "courier_waybill_id": order.waybill_id.clone().unwrap_or_default(),
            "courier_company": order.courier_company,
            "courier_type": order.courier_type,
            "courier_driver_name": "Agus",
            "courier_driver_phone": "0811111111",
            "courier_driver_photo_url": "",
            "courier_driver_plate_number": "",
            "courier_link": "",
            "order_id": order.id,
            "order_price": order.price,
            "status": status,
            "updated_at": stamp(now),
        })
        .to_string()
    }

    /// The courier issues the waybill; returns the `order.waybill_id` webhook body.
    pub fn issue_waybill(&self, order_id: &str, waybill: &str) -> String {
        let now = self.clock.now();
        let mut state = self.state();
        let order = state
            .orders
            .iter_mut()
            .find(|o| o.id == order_id)
            .expect("no such order at the fake Biteship");
        order.waybill_id = Some(waybill.to_owned());
        json!({
            "event": "order.waybill_id",
            "order_id": order.id,
            "courier_tracking_id": order.tracking_id,
            "courier_waybill_id": waybill,
            "courier_company": order.courier_company,
            "courier_type": order.courier_type,
            "status": order.status,
            "updated_at": stamp(now),
        })
        .to_string()
    }

    /// Biteship changes the order's price; returns the `order.price` webhook body.
    pub fn reprice(&self, order_id: &str, price: u64) -> String {
        let now = self.clock.now();
        let mut state = self.state();
        let order = state
            .orders
            .iter_mut()
            .find(|o| o.id == order_id)
            .expect("no such order at the fake Biteship");
        order.price = price;
        json!({
            "event": "order.price",
            "courier_tracking_id": order.tracking_id,
            "courier_waybill_id": order.waybill_id.clone().unwrap_or_default(),
            "order_id": order.id,
            "price": price,
            "cash_on_delivery_fee": 0,
            "proof_of_delivery_fee": 0,
            "shippment_fee": price,
            "status": order.status,
            "updated_at": stamp(now),
        })
        .to_string()
    }
}
