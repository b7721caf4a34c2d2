//! The core's records in the document: their JSON Schema (the core's `schema` feature,
//! draft 2020-12, which OpenAPI 3.1 speaks) under `components/schemas`, referenced from
//! the DTOs' fields.

use std::borrow::Cow;

use patungan_core::cost::CostBreakdown;
use patungan_core::grosir::{Availability, StockLevel};
use patungan_core::session::{Outcome, Participant, SessionConfig, SessionStatus, Settlement};
use patungan_core::{BotPolicy, TierLadder};
use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::JsonSchema;
use serde_json::{Map, Value};
use utoipa::openapi::{Array, Ref, RefOr, Schema};

fn reference<T: JsonSchema>() -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(T::schema_name()))
}

/// The reference to `SessionConfig`.
pub fn session_config() -> RefOr<Schema> {
    reference::<SessionConfig>()
}

/// The reference to a join's outcome (`applied` or `unchanged`).
pub fn session_outcome() -> RefOr<Schema> {
    reference::<Outcome>()
}

/// The reference to `CostBreakdown`.
pub fn cost_breakdown() -> RefOr<Schema> {
    reference::<CostBreakdown>()
}

/// The reference to `Participant`.
pub fn participant() -> RefOr<Schema> {
    reference::<Participant>()
}

/// The reference to `SessionStatus`.
pub fn session_status() -> RefOr<Schema> {
    reference::<SessionStatus>()
}

/// The reference to `Settlement` (the field is null until the session settles).
pub fn settlement() -> RefOr<Schema> {
    reference::<Settlement>()
}

/// The reference to `TierLadder`.
pub fn tier_ladder() -> RefOr<Schema> {
    reference::<TierLadder>()
}

/// The reference to `BotPolicy`.
pub fn bot_policy() -> RefOr<Schema> {
    reference::<BotPolicy>()
}

/// An array of `Availability`.
pub fn availability_list() -> RefOr<Schema> {
    Array::new(reference::<Availability>()).into()
}

/// An array of `StockLevel` (units per variant).
pub fn stock_levels() -> RefOr<Schema> {
    Array::new(reference::<StockLevel>()).into()
}

/// Adds `T` (and what it refers to) to `generator`; a schema that is not a reference
/// is kept in `roots` under `T`'s name.
fn add<T: JsonSchema>(
    generator: &mut SchemaGenerator,
    roots: &mut Vec<(Cow<'static, str>, Value)>,
) {
    let schema: Value = generator.subschema_for::<T>().into();
    if schema.get("$ref").is_none() {
        roots.push((T::schema_name(), schema));
    }
}

/// The JSON Schema of every core record the DTOs refer to, by name.
pub fn definitions() -> Map<String, Value> {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .into_generator();
    let mut roots = Vec::new();
    add::<SessionConfig>(&mut generator, &mut roots);
    add::<Outcome>(&mut generator, &mut roots);
    add::<CostBreakdown>(&mut generator, &mut roots);
    add::<Participant>(&mut generator, &mut roots);
    add::<SessionStatus>(&mut generator, &mut roots);
    add::<Settlement>(&mut generator, &mut roots);
    add::<TierLadder>(&mut generator, &mut roots);
    add::<BotPolicy>(&mut generator, &mut roots);
    add::<Availability>(&mut generator, &mut roots);
    add::<StockLevel>(&mut generator, &mut roots);
    let mut definitions = generator.take_definitions(true);
    for (name, schema) in roots {
        definitions.entry(name.into_owned()).or_insert(schema);
    }
    definitions
}
