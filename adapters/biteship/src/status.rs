//! Biteship's shipment statuses and their mapping to the engine's [`ShipmentStatus`].
//!
//! Biteship documents: `confirmed`, `scheduled`, `allocated`, `picking_up`, `picked`,
//! `cancelled`, `on_hold`, `dropping_off`, `return_in_transit`, `returned`, `rejected`,
//! `disposed`, `courier_not_found`, `delivered`. Older webhooks spell some in camelCase
//! (`pickingUp`, `droppingOff`, `returnInTransit`, `onHold`, `courierNotFound`); both
//! spellings are accepted. `scheduled` (booked for a later pickup, waybill issued) maps
//! to [`ShipmentStatus::Confirmed`], the engine having no separate state for it. Any
//! other status is a [`StatusError`].

use patungan_ports::ShipmentStatus;

/// Biteship reported a status this adapter does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown Biteship shipment status `{value}`")]
pub struct StatusError {
    /// The status received (at most 64 characters of it).
    pub value: String,
}

impl StatusError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        "biteship.unknown_status"
    }
}

/// Maps a Biteship status (snake_case or camelCase) to the engine's status.
///
/// ```
/// use patungan_biteship::parse_status;
/// use patungan_ports::ShipmentStatus;
///
/// assert_eq!(parse_status("picking_up")?, ShipmentStatus::PickingUp);
/// assert_eq!(parse_status("droppingOff")?, ShipmentStatus::DroppingOff);
/// assert!(parse_status("teleported").is_err());
/// # Ok::<(), patungan_biteship::StatusError>(())
/// ```
pub fn parse_status(text: &str) -> Result<ShipmentStatus, StatusError> {
    let unknown = || StatusError {
        value: text.chars().take(64).collect(),
    };
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.len() > 64 {
        return Err(unknown());
    }
    let mut normalized = String::with_capacity(trimmed.len() + 4);
    for c in trimmed.chars() {
        if c.is_ascii_uppercase() {
            if !normalized.is_empty() && !normalized.ends_with('_') {
                normalized.push('_');
            }
            normalized.push(c.to_ascii_lowercase());
        } else if c == '-' || c == ' ' {
            normalized.push('_');
        } else {
            normalized.push(c);
        }
    }
    Ok(match normalized.as_str() {
        "confirmed" | "scheduled" => ShipmentStatus::Confirmed,
        "allocated" => ShipmentStatus::Allocated,
        "picking_up" => ShipmentStatus::PickingUp,
        "picked" => ShipmentStatus::Picked,
        "dropping_off" => ShipmentStatus::DroppingOff,
        "delivered" => ShipmentStatus::Delivered,
        "on_hold" => ShipmentStatus::OnHold,
        "cancelled" => ShipmentStatus::Cancelled,
        "rejected" => ShipmentStatus::Rejected,
        "courier_not_found" => ShipmentStatus::CourierNotFound,
        "return_in_transit" => ShipmentStatus::ReturnInTransit,
        "returned" => ShipmentStatus::Returned,
        "disposed" => ShipmentStatus::Disposed,
        _ => return Err(unknown()),
    })
}

/// Biteship's (snake_case) name of a status.
pub fn status_name(status: ShipmentStatus) -> &'static str {
    match status {
        ShipmentStatus::Confirmed => "confirmed",
        ShipmentStatus::Allocated => "allocated",
        ShipmentStatus::PickingUp => "picking_up",
        ShipmentStatus::Picked => "picked",
        ShipmentStatus::DroppingOff => "dropping_off",
        ShipmentStatus::Delivered => "delivered",
        ShipmentStatus::OnHold => "on_hold",
        ShipmentStatus::Cancelled => "cancelled",
        ShipmentStatus::Rejected => "rejected",
        ShipmentStatus::CourierNotFound => "courier_not_found",
        ShipmentStatus::ReturnInTransit => "return_in_transit",
        ShipmentStatus::Returned => "returned",
        ShipmentStatus::Disposed => "disposed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips() {
        for status in ShipmentStatus::ALL {
            assert_eq!(parse_status(status_name(status)), Ok(status));
        }
    }

    #[test]
    fn documented_spellings() {
        assert_eq!(parse_status("scheduled"), Ok(ShipmentStatus::Confirmed));
        assert_eq!(parse_status("pickingUp"), Ok(ShipmentStatus::PickingUp));
        assert_eq!(
            parse_status("returnInTransit"),
            Ok(ShipmentStatus::ReturnInTransit)
        );
        assert_eq!(parse_status("onHold"), Ok(ShipmentStatus::OnHold));
        assert_eq!(
            parse_status("courierNotFound"),
            Ok(ShipmentStatus::CourierNotFound)
        );
        assert_eq!(parse_status(" delivered "), Ok(ShipmentStatus::Delivered));
        let err = parse_status("in_transit").unwrap_err();
        assert_eq!(err.value, "in_transit");
        assert_eq!(err.code(), "biteship.unknown_status");
        assert!(parse_status("").is_err());
        assert!(parse_status(&"x".repeat(100)).is_err());
    }
}
