//! The id indexes of a session: participant id → position and payment id →
//! position, hashed with a small deterministic hasher.
//!
//! std's default hasher seeds itself from the operating system's random source;
//! the core promises to read no randomness, and its ids are UUIDs chosen by the
//! host (random or time-ordered), which a multiply–xorshift mix spreads well.
//! Hosts must not let untrusted clients pick ids (they could aim for collisions
//! and slow one session's lookups down; results would still be correct).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A map from an id to a participant's position in join order.
pub(crate) type IdIndex<K> = HashMap<K, usize, BuildHasherDefault<IdHasher>>;

/// Folds the hashed bytes 8 at a time, then applies the murmur3 finaliser.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct IdHasher(u64);

const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

impl IdHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(29) ^ word).wrapping_mul(MULTIPLIER);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut buf = [0u8; 8];
            buf.copy_from_slice(word);
            self.mix(u64::from_le_bytes(buf));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            for (b, r) in buf.iter_mut().zip(rest) {
                *b = *r;
            }
            self.mix(u64::from_le_bytes(buf));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.mix(n as u64);
    }

    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ParticipantId;
    use std::hash::BuildHasher;

    fn hash(id: ParticipantId) -> u64 {
        BuildHasherDefault::<IdHasher>::default().hash_one(id)
    }

    #[test]
    fn deterministic_and_spread_over_sequential_ids() {
        assert_eq!(
            hash(ParticipantId::from_u128(7)),
            hash(ParticipantId::from_u128(7))
        );
        // Sequential ids land in distinct buckets of a 1 024-bucket table.
        let buckets: std::collections::BTreeSet<u64> = (0..1_024u128)
            .map(|n| hash(ParticipantId::from_u128(n)) >> 54)
            .collect();
        assert!(buckets.len() > 600, "{} buckets used", buckets.len());
    }
}
