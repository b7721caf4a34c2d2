//! Shipping quotes and quoted joins: the shipping port prices a shopper's parcel, the
//! core's quote book keeps the offers and checks the join that cites one.

use chrono::{DateTime, Utc};
use patungan_core::quotes::{CourierOffer, Joining, Quote, QuoteChoice, QuoteError, QuoteRequest};
use patungan_core::session::{JoinReceipt, JoinRequest};
use patungan_core::SessionId;

use super::Engine;
use crate::error::EngineError;
use crate::ports::RateRequest;

impl Engine {
    /// Prices delivering `request`'s units of `session`'s product to its destination
    /// (the shipping port's rates from the warehouse) and keeps the offers as a quote
    /// valid for 15 minutes. Asking again with the same id and request returns the
    /// stored quote; the same id for another request is refused.
    pub async fn quote(
        &self,
        session: SessionId,
        request: QuoteRequest,
        now: DateTime<Utc>,
    ) -> Result<Quote, EngineError> {
        request.validate()?;
        if let Some(stored) = self.store.read::<Quote>(request.id).await? {
            return if stored.session == session && stored.request == request {
                Ok(stored)
            } else {
                Err(QuoteError::Exists { quote: request.id }.into())
            };
        }
        let config = self
            .read_session(session, |s, _| s.state().config().clone())
            .await?;
        let origin = self.config.warehouse.location.clone();
        let couriers = self.config.couriers.clone();
        let rates = RateRequest::for_quote(&config, &request, origin, couriers);
        let rates = self.ports.shipping.rates(&rates).await?;
        let quote = Quote::new(
            session,
            request,
            rates.into_iter().map(CourierOffer::from).collect(),
            now,
        )?;
        let mut tx = self.store.begin().await?;
        if tx.get::<Quote>(quote.id).await?.is_none() {
            tx.put(quote.clone()).await?;
            tx.commit().await?;
        }
        Ok(quote)
    }

    /// A join citing a quote: the quote must be the shopper's, for this session,
    /// variant and quantity, unexpired, and offer the chosen service; the courier
    /// price is the quoted one (whatever `request` said), and the chosen delivery is
    /// stored with the join.
    pub async fn join_quoted(
        &self,
        session: SessionId,
        request: &JoinRequest,
        choice: &QuoteChoice,
        now: DateTime<Utc>,
    ) -> Result<JoinReceipt, EngineError> {
        let quote = self
            .store
            .read::<Quote>(choice.quote)
            .await?
            .ok_or(QuoteError::Unknown {
                quote: choice.quote,
            })?;
        let joining = Joining {
            participant: request.participant,
            user: request.user,
            session,
            variant: request.variant,
            quantity: request.quantity,
        };
        let delivery = quote.choose(choice, &joining, now)?;
        let mut request = request.clone();
        request.courier_price = delivery.offer.price;
        self.join_with(session, request, Some(delivery), now).await
    }
}
