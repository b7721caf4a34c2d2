//! Shipping quotes (docs/domain.md §11): before joining, a shopper asks what delivery
//! to their address costs; the courier offers are kept as a quote valid for
//! [`QUOTE_VALIDITY`]. A join names the quote and one of its courier services, and
//! its courier price is the quoted one: an unknown, expired, other user's, other
//! session's or mismatched quote is refused. The accepted choice is the
//! participant's [`Delivery`], which the shipment is later booked with.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ParticipantId, QuoteId, SessionId, UserId, VariantId};
use crate::money::Money;
use crate::text::{check_text, TextError};

/// How long a quote may be joined with: 15 minutes.
pub const QUOTE_VALIDITY: TimeDelta = TimeDelta::minutes(15);

/// The longest courier or service code, destination code or delivery estimate.
const MAX_CODE_CHARS: usize = 64;

/// The parcel one unit of a product makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ParcelSpec {
    /// Weight per unit in grams.
    pub weight_grams: u32,
    /// Length, width and height in centimetres, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimensions_cm: Option<[u32; 3]>,
}

impl ParcelSpec {
    /// What a session without a parcel configured ships per unit: 1 kg.
    pub const DEFAULT: ParcelSpec = ParcelSpec {
        weight_grams: 1_000,
        dimensions_cm: None,
    };
}

/// Where the parcel goes: a postal code or the shipping provider's area id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Destination {
    /// A postal code, e.g. `"12440"`.
    PostalCode(String),
    /// The shipping provider's area id.
    AreaId(String),
}

impl Destination {
    /// The code, whichever kind it is.
    pub fn code(&self) -> &str {
        match self {
            Destination::PostalCode(c) | Destination::AreaId(c) => c,
        }
    }
}

/// One courier service's price for the parcel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourierOffer {
    /// Courier, e.g. `jne`.
    pub courier: String,
    /// Service, e.g. `reg`.
    pub service: String,
    /// Price of the shipment (leg 2).
    pub price: Money,
    /// Delivery estimate as the provider words it.
    pub duration: String,
}

/// What a shopper asked a quote for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteRequest {
    /// The quote's id (chosen by the caller; asking again with it returns the quote).
    pub id: QuoteId,
    /// The shopper.
    pub user: UserId,
    /// Where the parcel goes.
    pub destination: Destination,
    /// The variant to buy (when the product has a bundle).
    pub variant: Option<VariantId>,
    /// Units to buy.
    pub quantity: u64,
}

/// Courier offers for one shopper's parcel from one session, valid until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// Its id.
    pub id: QuoteId,
    /// The session.
    pub session: SessionId,
    /// What was asked.
    pub request: QuoteRequest,
    /// The offers, as the provider gave them.
    pub offers: Vec<CourierOffer>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// After this instant it cannot be joined with.
    pub expires_at: DateTime<Utc>,
}

/// The courier service a join picks from its quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteChoice {
    /// The quote.
    pub quote: QuoteId,
    /// Courier code of the chosen offer.
    pub courier: String,
    /// Service code of the chosen offer.
    pub service: String,
    /// Who receives the parcel; a delivery without one waits for an operator before
    /// its shipment can be booked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Recipient>,
}

/// Who receives a parcel: what the courier needs at the door.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    /// The receiver's name.
    pub name: String,
    /// A phone number the courier can call.
    pub phone: String,
    /// The street address (the destination's postal code or area locates it).
    pub address: String,
}

/// The longest recipient name or phone number, in characters.
const MAX_CONTACT_CHARS: usize = 100;
/// The longest street address, in characters.
const MAX_ADDRESS_CHARS: usize = 500;

impl Recipient {
    /// Refuses an empty or over-long field, or one with control characters.
    pub fn validate(&self) -> Result<(), QuoteError> {
        for (field, value, max) in [
            ("recipient.name", &self.name, MAX_CONTACT_CHARS),
            ("recipient.phone", &self.phone, MAX_CONTACT_CHARS),
            ("recipient.address", &self.address, MAX_ADDRESS_CHARS),
        ] {
            check_text(field, value, max)?;
            if value.trim().is_empty() {
                return Err(QuoteError::EmptyCode { field });
            }
        }
        Ok(())
    }
}

/// How a participant's parcel goes: the accepted quote choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// The participant.
    pub participant: ParticipantId,
    /// The session.
    pub session: SessionId,
    /// The shopper.
    pub user: UserId,
    /// The quote it came from.
    pub quote: QuoteId,
    /// Where the parcel goes.
    pub destination: Destination,
    /// The chosen offer.
    pub offer: CourierOffer,
    /// Who receives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Recipient>,
}

/// What the join that cites a quote asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Joining {
    /// The participant joining.
    pub participant: ParticipantId,
    /// The shopper.
    pub user: UserId,
    /// The session.
    pub session: SessionId,
    /// The variant.
    pub variant: Option<VariantId>,
    /// Units.
    pub quantity: u64,
}

/// Why a quote could not be made or used; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QuoteError {
    /// No quote has this id.
    #[error("no quote {quote}; ask for a quote first")]
    Unknown {
        /// The quote named.
        quote: QuoteId,
    },
    /// The quote is past its validity.
    #[error("quote {quote} expired at {expired_at}; ask for a new one")]
    Expired {
        /// The quote.
        quote: QuoteId,
        /// When it expired.
        expired_at: DateTime<Utc>,
    },
    /// The quote was made for another shopper, session, variant or quantity.
    #[error("quote {quote} was made for another {what}; ask for a quote for this join")]
    Mismatch {
        /// The quote.
        quote: QuoteId,
        /// `"user"`, `"session"`, `"variant"` or `"quantity"`.
        what: &'static str,
    },
    /// The quote has no offer for this courier service.
    #[error("quote {quote} has no offer for {courier} {service}")]
    UnknownService {
        /// The quote.
        quote: QuoteId,
        /// The courier asked for.
        courier: String,
        /// The service asked for.
        service: String,
    },
    /// The provider offered nothing for this destination.
    #[error("no courier delivers to {destination}")]
    NoOffers {
        /// The destination code.
        destination: String,
    },
    /// A quote id was used for a different request.
    #[error("quote {quote} already exists for another request")]
    Exists {
        /// The quote.
        quote: QuoteId,
    },
    /// The request holds no units.
    #[error("a quote needs at least one unit")]
    ZeroQuantity,
    /// A destination, courier or service code, or a recipient's field, is empty.
    #[error("`{field}` is empty")]
    EmptyCode {
        /// The field.
        field: &'static str,
    },
    /// A code or estimate is empty, too long or has control characters.
    #[error(transparent)]
    Text(#[from] TextError),
}

impl QuoteError {
    /// A stable machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            QuoteError::Unknown { .. } => "quote.unknown",
            QuoteError::Expired { .. } => "quote.expired",
            QuoteError::Mismatch { .. } => "quote.mismatch",
            QuoteError::UnknownService { .. } => "quote.unknown_service",
            QuoteError::NoOffers { .. } => "quote.no_offers",
            QuoteError::Exists { .. } => "quote.exists",
            QuoteError::ZeroQuantity => "quote.zero_quantity",
            QuoteError::EmptyCode { .. } => "quote.empty_code",
            QuoteError::Text(e) => e.code(),
        }
    }
}

fn check_code(field: &'static str, value: &str) -> Result<(), QuoteError> {
    check_text(field, value, MAX_CODE_CHARS)?;
    if value.trim().is_empty() {
        return Err(QuoteError::EmptyCode { field });
    }
    Ok(())
}

impl QuoteRequest {
    /// Refuses a request of no units or with an unusable destination code.
    pub fn validate(&self) -> Result<(), QuoteError> {
        if self.quantity == 0 {
            return Err(QuoteError::ZeroQuantity);
        }
        check_code("destination", self.destination.code())
    }
}

impl Quote {
    /// The quote of `offers` for `request` on `session`, made at `now` and valid for
    /// [`QUOTE_VALIDITY`]. Refused without offers, or with an offer whose codes or
    /// estimate are unusable.
    pub fn new(
        session: SessionId,
        request: QuoteRequest,
        offers: Vec<CourierOffer>,
        now: DateTime<Utc>,
    ) -> Result<Quote, QuoteError> {
        request.validate()?;
        if offers.is_empty() {
            return Err(QuoteError::NoOffers {
                destination: request.destination.code().to_owned(),
            });
        }
        for offer in &offers {
            check_code("courier", &offer.courier)?;
            check_code("service", &offer.service)?;
            check_text("duration", &offer.duration, MAX_CODE_CHARS)?;
        }
        Ok(Quote {
            id: request.id,
            session,
            request,
            offers,
            created_at: now,
            expires_at: now + QUOTE_VALIDITY,
        })
    }

    /// The delivery a join picking `choice` gets, checked against the quote at `now`.
    pub fn choose(
        &self,
        choice: &QuoteChoice,
        joining: &Joining,
        now: DateTime<Utc>,
    ) -> Result<Delivery, QuoteError> {
        let quote = self.id;
        if let Some(recipient) = &choice.recipient {
            recipient.validate()?;
        }
        if now > self.expires_at {
            return Err(QuoteError::Expired {
                quote,
                expired_at: self.expires_at,
            });
        }
        let mismatch = [
            ("user", joining.user != self.request.user),
            ("session", joining.session != self.session),
            ("variant", joining.variant != self.request.variant),
            ("quantity", joining.quantity != self.request.quantity),
        ]
        .into_iter()
        .find(|(_, differs)| *differs);
        if let Some((what, _)) = mismatch {
            return Err(QuoteError::Mismatch { quote, what });
        }
        let offer = self
            .offers
            .iter()
            .find(|o| o.courier == choice.courier && o.service == choice.service)
            .ok_or_else(|| QuoteError::UnknownService {
                quote,
                courier: choice.courier.clone(),
                service: choice.service.clone(),
            })?;
        Ok(Delivery {
            participant: joining.participant,
            session: self.session,
            user: self.request.user,
            quote,
            destination: self.request.destination.clone(),
            offer: offer.clone(),
            recipient: choice.recipient.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000 + minute * 60, 0).unwrap()
    }

    fn quote() -> Quote {
        let request = QuoteRequest {
            id: QuoteId::from_u128(1),
            user: UserId::from_u128(2),
            destination: Destination::PostalCode("12440".into()),
            variant: None,
            quantity: 3,
        };
        let offer = CourierOffer {
            courier: "jne".into(),
            service: "reg".into(),
            price: Money::idr(18_000),
            duration: "1 - 2 days".into(),
        };
        Quote::new(SessionId::from_u128(3), request, vec![offer], at(0)).unwrap()
    }

    fn joining() -> Joining {
        Joining {
            participant: ParticipantId::from_u128(4),
            user: UserId::from_u128(2),
            session: SessionId::from_u128(3),
            variant: None,
            quantity: 3,
        }
    }

    fn choice(service: &str) -> QuoteChoice {
        QuoteChoice {
            quote: QuoteId::from_u128(1),
            courier: "jne".into(),
            service: service.into(),
            recipient: None,
        }
    }

    #[test]
    fn a_valid_choice_gives_the_quoted_price_until_the_quote_expires() {
        let q = quote();
        let delivery = q.choose(&choice("reg"), &joining(), at(15)).unwrap();
        assert_eq!(delivery.offer.price, Money::idr(18_000));
        let late = q.choose(&choice("reg"), &joining(), at(16)).unwrap_err();
        assert_eq!(late.code(), "quote.expired");
    }

    #[test]
    fn another_user_quantity_or_service_is_refused() {
        let q = quote();
        let mut other = joining();
        other.user = UserId::from_u128(9);
        assert_eq!(
            q.choose(&choice("reg"), &other, at(1)).unwrap_err().code(),
            "quote.mismatch"
        );
        let mut more = joining();
        more.quantity = 4;
        assert_eq!(
            q.choose(&choice("reg"), &more, at(1)).unwrap_err().code(),
            "quote.mismatch"
        );
        let wrong = q.choose(&choice("yes"), &joining(), at(1)).unwrap_err();
        assert_eq!(wrong.code(), "quote.unknown_service");
    }

    #[test]
    fn a_quote_needs_offers_units_and_clean_codes() {
        let q = quote();
        assert_eq!(
            Quote::new(q.session, q.request.clone(), vec![], at(0))
                .unwrap_err()
                .code(),
            "quote.no_offers"
        );
        let mut zero = q.request.clone();
        zero.quantity = 0;
        assert_eq!(
            Quote::new(q.session, zero, q.offers.clone(), at(0))
                .unwrap_err()
                .code(),
            "quote.zero_quantity"
        );
        let mut nul = q.request.clone();
        nul.destination = Destination::AreaId("IDNP6\0".into());
        assert!(Quote::new(q.session, nul, q.offers.clone(), at(0)).is_err());
    }
}
