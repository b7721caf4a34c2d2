//! A participant leaving an open session.

use chrono::{DateTime, Utc};

use crate::ids::ParticipantId;
use crate::session::error::SessionError;
use crate::session::event::Event;
use crate::session::machine::{Outcome, Session};
use crate::session::participant::ParticipantStatus;
use crate::session::state::SessionStatus;

impl Session {
    /// A pending or paid participant leaves while the session is open and
    /// `now < end`: a paid one is refunded in full, a pending one's invoice is
    /// expired; either way its availability is freed. Leaving twice → unchanged.
    pub fn leave(
        &mut self,
        participant: ParticipantId,
        now: DateTime<Utc>,
    ) -> Result<Outcome, SessionError> {
        let state = self.state();
        let p = state
            .participant(participant)
            .ok_or(SessionError::UnknownParticipant { participant })?;
        if p.status == ParticipantStatus::Left {
            return Ok(Outcome::Unchanged);
        }
        if state.status() != SessionStatus::Open {
            return Err(SessionError::NotOpen {
                status: state.status(),
            });
        }
        if now >= state.config().end {
            return Err(SessionError::Ended {
                end: state.config().end,
            });
        }
        if !p.status.holds_availability() {
            return Err(SessionError::ParticipantNotActive {
                participant,
                status: p.status,
            });
        }
        self.commit([Event::Left {
            participant,
            at: now,
        }])
    }
}
