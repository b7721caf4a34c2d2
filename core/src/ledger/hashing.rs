//! A fast, deterministic hasher for UUID-keyed lookup maps.
//!
//! The core reads no random source, so std's randomly keyed `RandomState` is not used.
//! Without a secret key no hasher resists deliberately colliding keys, so this one
//! optimises for speed on the 16-byte ids the maps hold: a multiply-xorshift mix of the
//! whole value. Maps using it are lookup indexes only, never iterated.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Multiply-xorshift hasher for ids (see the module docs).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

const K: u128 = 0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835;

impl IdHasher {
    fn mix(&mut self, value: u128) {
        let mut x = value ^ u128::from(self.0);
        x = (x ^ (x >> 67)).wrapping_mul(K);
        x ^= x >> 64;
        self.0 = x as u64;
    }
}

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        match <[u8; 16]>::try_from(bytes) {
            Ok(id) => self.mix(u128::from_le_bytes(id)),
            Err(_) => {
                for &b in bytes {
                    self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
                }
            }
        }
    }

    fn write_u128(&mut self, value: u128) {
        self.mix(value);
    }

    fn write_usize(&mut self, value: usize) {
        // Slice length prefixes: always 16 for ids, so folding them in cheaply is enough.
        self.0 ^= value as u64;
    }
}

/// Builds [`IdHasher`]s.
pub(crate) type IdBuildHasher = BuildHasherDefault<IdHasher>;

/// A lookup index from an id to a position.
pub(crate) type IdMap<K> = HashMap<K, usize, IdBuildHasher>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn ids_spread_over_buckets() {
        let build = IdBuildHasher::default();
        let mut low_bits = std::collections::HashSet::new();
        for n in 0..4096u128 {
            low_bits.insert(build.hash_one(uuid::Uuid::from_u128(n)) & 0xfff);
        }
        // Sequential ids must not pile into a few buckets.
        assert!(low_bits.len() > 2_000, "{}", low_bits.len());
    }
}
