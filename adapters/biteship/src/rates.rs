//! Courier rates: `POST /v1/rates/couriers`.

use reqwest::Method;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::amount::{raw, IdrAmount};
use crate::client::BiteshipClient;
use crate::error::BiteshipError;

/// One item of a parcel as Biteship takes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParcelItemWire {
    /// What it is.
    pub name: String,
    /// Declared value per unit, in whole rupiah.
    pub value: IdrAmount,
    /// Units.
    pub quantity: u64,
    /// Weight per unit in grams.
    pub weight: u32,
    /// Length in centimetres.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<u32>,
    /// Width in centimetres.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Height in centimetres.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
}

/// The body of `POST /v1/rates/couriers`; each end by postal code, area id or coordinates.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct RatesRequestWire {
    /// Origin postal code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_postal_code: Option<u32>,
    /// Destination postal code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_postal_code: Option<u32>,
    /// Origin area id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_area_id: Option<String>,
    /// Destination area id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_area_id: Option<String>,
    /// Origin latitude.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_latitude: Option<f64>,
    /// Origin longitude.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_longitude: Option<f64>,
    /// Destination latitude.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_latitude: Option<f64>,
    /// Destination longitude.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_longitude: Option<f64>,
    /// Courier codes separated by commas, e.g. `jne,jnt,sicepat,anteraja`.
    pub couriers: String,
    /// The parcel's items.
    pub items: Vec<ParcelItemWire>,
}

/// One courier service's price as Biteship returns it (the fields this adapter uses).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Pricing {
    /// Courier, e.g. `jne`.
    pub courier_code: String,
    /// Service, e.g. `reg`.
    pub courier_service_code: String,
    /// Price, exact.
    #[serde(deserialize_with = "raw::decimal")]
    pub price: Decimal,
    /// Estimate such as `1 - 2 days`.
    #[serde(default)]
    pub duration: Option<String>,
    /// Estimate range such as `1 - 2`.
    #[serde(default)]
    pub shipment_duration_range: Option<String>,
    /// Estimate unit such as `days`.
    #[serde(default)]
    pub shipment_duration_unit: Option<String>,
}

impl Pricing {
    /// The delivery estimate as Biteship words it (`duration`, else range and unit).
    pub fn duration_text(&self) -> String {
        match (
            &self.duration,
            &self.shipment_duration_range,
            &self.shipment_duration_unit,
        ) {
            (Some(d), _, _) if !d.is_empty() => d.clone(),
            (_, Some(range), Some(unit)) => format!("{range} {unit}"),
            (_, Some(range), None) => range.clone(),
            _ => String::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct RatesResponse {
    pricing: Vec<Pricing>,
}

impl BiteshipClient {
    /// `POST /v1/rates/couriers`.
    pub async fn rates(&self, request: &RatesRequestWire) -> Result<Vec<Pricing>, BiteshipError> {
        let response: RatesResponse = self
            .call("rates", Method::POST, "/v1/rates/couriers", Some(request))
            .await?;
        Ok(response.pricing)
    }
}
