//! What a join's invoice shows at the gateway: its description, lines and metadata.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cost::CostBreakdown;
use crate::money::Money;
use crate::payments::Invoice;
use crate::session::SessionConfig;

/// One line of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// What it is.
    pub name: String,
    /// Units.
    pub quantity: u64,
    /// Price per unit.
    pub unit_price: Money,
}

/// The text and lines of a join's invoice, for the gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDetails {
    /// One line describing the purchase.
    pub description: String,
    /// The group-buy units, then each non-zero extra: leg 1, leg 2, the payment fee.
    pub items: Vec<InvoiceLine>,
    /// The session and participant ids, for the gateway's dashboard.
    pub metadata: BTreeMap<String, String>,
}

impl InvoiceDetails {
    /// The details of `invoice`, a join of `cost` in a session configured as `config`.
    pub fn for_join(config: &SessionConfig, invoice: &Invoice, cost: &CostBreakdown) -> Self {
        let mut items = vec![InvoiceLine {
            name: format!("Group buy {}", config.product),
            quantity: cost.quantity,
            unit_price: config.group_price(),
        }];
        for (name, amount) in [
            ("Shipping to warehouse (leg 1)", cost.leg1),
            ("Courier to you (leg 2)", cost.leg2),
            ("Payment fee", cost.gateway_fee),
        ] {
            if !amount.is_zero() {
                items.push(InvoiceLine {
                    name: name.to_owned(),
                    quantity: 1,
                    unit_price: amount,
                });
            }
        }
        InvoiceDetails {
            description: format!(
                "Patungan session {}: {} unit(s)",
                invoice.session, cost.quantity
            ),
            items,
            metadata: BTreeMap::from([
                ("session".to_owned(), invoice.session.to_string()),
                ("participant".to_owned(), invoice.participant.to_string()),
            ]),
        }
    }
}
