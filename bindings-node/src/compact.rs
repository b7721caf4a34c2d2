//! Drained effects in a compact form that `index.js` turns into plain objects.
//!
//! A settlement queues two effects per participant (`create_order`,
//! `credit_cashback`); reading 200 000 of them through JSON text costs far more than
//! settling. Those two kinds cross as numbers instead: a code, then each field as an
//! index into a table of strings (ids, amounts, currency codes; a repeated amount or
//! a recently seen id is stored once) or as a number. Every other effect crosses as JSON text. `index.js` rebuilds exactly the
//! core's JSON form (same keys, same order), which the tests check.

use std::collections::HashMap;
use std::fmt::Write;
use std::hash::{BuildHasherDefault, Hasher};

use napi::bindgen_prelude::Uint32Array;
use napi_derive::napi;
use patungan_core::session as core;
use patungan_core::{Currency, Money};
use uuid::Uuid;

use crate::errors::Result;
use crate::json::text;

/// An item sent as JSON text.
const JSON_ITEM: u32 = 0;
/// A `create_order` effect: 26 numbers follow its code.
const CREATE_ORDER: u32 = 1;
/// A `credit_cashback` effect: 4 numbers follow its code.
const CREDIT_CASHBACK: u32 = 2;
/// An absent optional string (a `null` variant).
const ABSENT: u32 = u32::MAX;
/// How many recent ids are remembered for reuse.
const RECENT: usize = 4;

/// Effects `start..end` of a drained list in the compact form (see the module docs).
#[napi(object)]
pub struct EffectSlice {
    /// JSON array text of the items sent as JSON, in order.
    pub json: String,
    /// The string table, joined by `"\n"`.
    pub strings: String,
    /// Per item: its code, then its fields: string indexes, or quantities as two
    /// numbers (low and high 32 bits).
    pub numbers: Uint32Array,
}

/// The string table (ids, amounts, currency codes), each entry with its index.
///
/// Money is looked up by its core value (no text is formatted for an amount seen
/// before), so a settlement's repeated prices cost one hash each.
struct Strings {
    joined: String,
    count: u32,
    recent_ids: [Option<(Uuid, u32)>; RECENT],
    next_recent: usize,
    money: HashMap<([u8; 16], Currency), [u32; 2], Fast>,
}

impl Strings {
    fn with_capacity(items: usize) -> Self {
        Strings {
            joined: String::with_capacity(items * 40),
            count: 0,
            recent_ids: [None; RECENT],
            next_recent: 0,
            money: HashMap::with_hasher(Fast::default()),
        }
    }

    /// Starts the next entry of the table; its index.
    fn next_entry(&mut self) -> u32 {
        if self.count > 0 {
            self.joined.push('\n');
        }
        let i = self.count;
        self.count = self.count.saturating_add(1);
        i
    }

    /// Appends `text` to the table; its index.
    fn push(&mut self, text: impl std::fmt::Display) -> u32 {
        let i = self.next_entry();
        // Writing into a String cannot fail.
        let _ = write!(self.joined, "{text}");
        i
    }

    /// The index of an id's hyphenated text. Ids repeat close together (a cashback
    /// credit names the participant and user of the order before it), so only the
    /// last few are remembered: a table of every id would cost a cache miss per
    /// lookup.
    fn id(&mut self, id: &Uuid) -> u32 {
        if let Some((_, i)) = self
            .recent_ids
            .iter()
            .flatten()
            .find(|(seen, _)| seen == id)
        {
            return *i;
        }
        let i = self.next_entry();
        self.joined
            .push_str(id.hyphenated().encode_lower(&mut Uuid::encode_buffer()));
        if let Some(slot) = self.recent_ids.get_mut(self.next_recent % RECENT) {
            *slot = Some((*id, i));
        }
        self.next_recent = self.next_recent.wrapping_add(1);
        i
    }

    /// The indexes of an amount's text and its currency code.
    fn money(&mut self, m: &Money, out: &mut Vec<u32>) {
        // The raw decimal (scale included) keys the text it displays as.
        let key = (m.amount().serialize(), m.currency());
        let pair = match self.money.get(&key) {
            Some(&pair) => pair,
            None => {
                let pair = [self.push(m.amount()), self.push(m.currency().code())];
                self.money.insert(key, pair);
                pair
            }
        };
        out.extend_from_slice(&pair);
    }
}

/// A multiply-rotate hasher for the interning maps: their keys are ids and raw
/// decimals of the process's own values, not attacker-chosen, and SipHash would
/// cost more than the rest of the conversion.
#[derive(Default, Clone, Copy)]
struct FastHasher(u64);

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = <[u8; 8]>::try_from(chunk).map_or(0, u64::from_le_bytes);
            self.add(word);
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // Final avalanche (so the low bits, which pick the bucket, depend on every byte).
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^ (x >> 33)
    }
}

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type Fast = BuildHasherDefault<FastHasher>;

/// The compact form of `items`.
pub fn effect_slice(items: &[core::Effect]) -> Result<EffectSlice> {
    let mut strings = Strings::with_capacity(items.len());
    let mut numbers = Vec::with_capacity(items.len() * 27);
    let mut json = Vec::new();
    for item in items {
        match item {
            core::Effect::CreateOrder(order) => {
                numbers.push(CREATE_ORDER);
                order_fields(&mut strings, order, &mut numbers);
            }
            core::Effect::CreditCashback {
                participant,
                user,
                amount,
            } => {
                numbers.push(CREDIT_CASHBACK);
                numbers.push(strings.id(participant.as_uuid()));
                numbers.push(strings.id(user.as_uuid()));
                strings.money(amount, &mut numbers);
            }
            other => {
                numbers.push(JSON_ITEM);
                json.push(other);
            }
        }
    }
    Ok(EffectSlice {
        json: text(&json)?,
        strings: strings.joined,
        numbers: Uint32Array::new(numbers),
    })
}

fn order_fields(strings: &mut Strings, order: &core::OrderRequest, out: &mut Vec<u32>) {
    out.push(strings.id(order.participant.as_uuid()));
    out.push(strings.id(order.user.as_uuid()));
    out.push(match &order.variant {
        Some(v) => strings.id(v.as_uuid()),
        None => ABSENT,
    });
    quantity(order.quantity, out);
    strings.money(&order.paid_unit_price, out);
    strings.money(&order.final_unit_price, out);
    strings.money(&order.cashback, out);
    out.push(strings.id(order.payment.as_uuid()));
    let cost = &order.cost;
    quantity(cost.quantity, out);
    for m in [
        &cost.product,
        &cost.leg1_per_unit,
        &cost.leg1,
        &cost.leg2,
        &cost.gateway_fee,
        &cost.total,
    ] {
        strings.money(m, out);
    }
}

/// A quantity as its low and high 32 bits (`index.js` adds them back, exact below 2^53).
fn quantity(q: u64, out: &mut Vec<u32>) {
    out.push((q & u64::from(u32::MAX)) as u32);
    out.push((q >> 32) as u32);
}
