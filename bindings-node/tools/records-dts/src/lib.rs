//! TypeScript types of the records the Node binding passes in and out (the core's serde
//! JSON form), generated from the JSON Schema of the core types themselves
//! (`patungan-core`'s `schema` feature, `schemars`).
//!
//! [`records_dts`] is `bindings-node/records.d.ts`, which `build.mjs` puts into
//! `index.d.ts`; `cargo run -p patungan-records-dts -- --write` rewrites it and the test
//! `tests/current.rs` fails when the committed file is stale. [`records_schema`] is the
//! schema it is made from.
//!
//! The rules, so that a change in the output is a decision:
//! - the schema describes what the core writes (schemars' serialisation contract), with
//!   the `default` of each field the core fills in when it reads a record without it: a
//!   field is optional (`?`) when the core may leave it out or has such a default, and
//!   an `Option` is `T | null`;
//! - names: an emitted type's TypeScript name is its schema name unless the root list
//!   gives another (the napi classes own `TierLadder`, `CostBreakdown` …); two types
//!   with one schema name are an error (give one a `schemars(rename)`); the variants of
//!   a tagged union are interfaces named by [`VARIANTS`] from the tag (`type: 'join'` of
//!   `SessionInput` is `JoinInput`), and its unit variants are string literals;
//! - `Money` is the binding's `Money` (`{ amount: string; currency: string }`), ids,
//!   instants, currencies and decimals are strings, counts are numbers; a record that is
//!   not a root and not one of these ([`INLINE`]) is an error, not a guess;
//! - interface fields in declaration order (a union's tag first), except that the fields
//!   the core may leave out come last, by name (the schema keeps no order for those);
//! - fields a binding adds to a core record ([`BINDING_FIELDS`]) are appended.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use patungan_core::grosir::{
    Availability, GrosirConfig, PlanLine, Production, ProductionLine, PurchaseOrder,
    PurchaseOrderLine, StockLevel, VariantBundle, WarehousePlan,
};
use patungan_core::ledger::{
    self, Account, AccountKind, AccountSpec, BalanceLimit, BalanceLine, Balances, ChartAccount,
    CreditReason, CurrencyTotals, Entity, LatePayment, PaymentReceived, PendingStatus, Posting,
    ReconciliationReport, Refund, RefundDestination, RefundResult, RefundSettlement, SessionEscrow,
    SuccessSplit, SuspenseRefund, Transfer, TransferCode, TransferOp, TransferRecord, WalletCredit,
    WalletDebit,
};
use patungan_core::quotes::ParcelSpec;
use patungan_core::session::{
    self, Effect, Event, FailureReason, Input, JoinReceipt, JoinRequest, Notification, Participant,
    ParticipantStatus, RefundReason, Renewal, SessionConfig, SessionGrosir, SessionState,
    SessionStatus, Settlement, StockReservation,
};
use patungan_core::wallet::{
    BankAccount, Batch, BatchItem, PayoutAttempt, PayoutEffect, PayoutOutcome, PayoutResult,
    WalletBalance, Withdrawal, WithdrawalPolicy, WithdrawalRequest, WithdrawalStatus,
};
use patungan_core::{BotPolicy, CostBreakdown, RungView, TierLadder};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value};

/// What went wrong: a schema shape or a name this generator has no rule for.
pub type Error = String;

/// One emitted type: how to get its schema, and its TypeScript name when it is not the
/// schema name.
struct Root {
    schema: fn(&mut SchemaGenerator) -> Value,
    name: fn() -> std::borrow::Cow<'static, str>,
    rename: Option<&'static str>,
}

fn root<T: JsonSchema>(rename: Option<&'static str>) -> Root {
    Root {
        schema: |generator| generator.subschema_for::<T>().to_value(),
        name: T::schema_name,
        rename,
    }
}

/// The emitted types in order, by section, with their TypeScript name where it is not
/// the schema name. Types used only inside these (ids, `Money`, `Moq` …) are not listed.
fn roots() -> Vec<(&'static str, Vec<Root>)> {
    vec![
        (
            "pricing",
            vec![
                root::<TierLadder>(Some("TierLadderJson")),
                root::<BotPolicy>(Some("BotPolicyJson")),
                root::<CostBreakdown>(Some("CostBreakdownRecord")),
                root::<RungView>(Some("RungViewRecord")),
            ],
        ),
        (
            "grosir",
            vec![
                root::<GrosirConfig>(Some("GrosirConfigJson")),
                root::<VariantBundle>(None),
                root::<Availability>(None),
                root::<ProductionLine>(None),
                root::<Production>(None),
                root::<StockLevel>(None),
                root::<PlanLine>(None),
                root::<PurchaseOrderLine>(None),
                root::<PurchaseOrder>(None),
                root::<WarehousePlan>(None),
            ],
        ),
        (
            "session",
            vec![
                root::<session::Outcome>(None),
                root::<SessionStatus>(None),
                root::<ParticipantStatus>(None),
                root::<RefundReason>(None),
                root::<FailureReason>(None),
                root::<SessionGrosir>(None),
                root::<ParcelSpec>(None),
                root::<SessionConfig>(None),
                root::<JoinRequest>(None),
                root::<JoinReceipt>(None),
                root::<Input>(None),
                root::<Event>(None),
                root::<Notification>(None),
                root::<StockReservation>(None),
                root::<Effect>(None),
                root::<Participant>(None),
                root::<Settlement>(None),
                root::<Renewal>(None),
                root::<SessionState>(None),
            ],
        ),
        (
            "ledger",
            vec![
                root::<ledger::Outcome>(None),
                root::<AccountKind>(None),
                root::<BalanceLimit>(None),
                root::<TransferCode>(None),
                root::<RefundDestination>(None),
                root::<RefundResult>(None),
                root::<Entity>(None),
                root::<ChartAccount>(None),
                root::<Balances>(None),
                root::<AccountSpec>(None),
                root::<Account>(None),
                root::<TransferOp>(None),
                root::<Transfer>(None),
                root::<PendingStatus>(None),
                root::<TransferRecord>(None),
                root::<Posting>(None),
                root::<PaymentReceived>(None),
                root::<SuccessSplit>(None),
                root::<Refund>(None),
                root::<RefundSettlement>(None),
                root::<LatePayment>(None),
                root::<SuspenseRefund>(None),
                root::<CreditReason>(None),
                root::<WalletCredit>(None),
                root::<WalletDebit>(None),
                root::<BalanceLine>(None),
                root::<SessionEscrow>(None),
                root::<CurrencyTotals>(None),
                root::<ReconciliationReport>(None),
            ],
        ),
        (
            "wallet",
            vec![
                root::<WithdrawalStatus>(None),
                root::<PayoutEffect>(None),
                root::<WalletBalance>(None),
                root::<WithdrawalPolicy>(None),
                root::<BankAccount>(None),
                root::<WithdrawalRequest>(None),
                root::<PayoutOutcome>(None),
                root::<PayoutAttempt>(None),
                root::<Withdrawal>(None),
                root::<PayoutResult>(None),
                root::<BatchItem>(None),
                root::<Batch>(None),
            ],
        ),
    ]
}

/// How the object variants of a union are named: `(union, prefix, suffix)` around the
/// variant's name in PascalCase (the tag's value, or the single key of an externally
/// tagged variant). Unions not listed name their variants by the variant alone.
pub const VARIANTS: &[(&str, &str, &str)] = &[
    ("SessionInput", "", "Input"),
    ("Notification", "", "Notice"),
    ("Settlement", "", "Settlement"),
    ("Entity", "", "Entity"),
    ("ChartAccount", "", "Account"),
    ("TransferOp", "", "Op"),
    ("PendingStatus", "Pending", ""),
    ("PayoutOutcome", "Payout", ""),
    ("CreditReason", "", "Credit"),
];

/// Unions whose string variants also get a name of their own: `(union, alias)`.
pub const UNIT_ALIASES: &[(&str, &str)] = &[("ChartAccount", "PlatformAccount")];

/// Records that are written out where they are used rather than named (a name of their
/// own would clash with a napi class of a different shape).
pub const INLINE: &[&str] = &["Rung"];

/// Fields the bindings add to a core record: `(record, field)`.
pub const BINDING_FIELDS: &[(&str, &str)] = &[("ReconciliationReport", "clean: boolean")];

/// Schema names that are types of the binding or plain strings.
const EXTERNAL: &[(&str, &str)] = &[("Money", "Money"), ("Currency", "string")];

const PRELUDE: &str = "\
// ---- Records: the core's JSON form, generated from the JSON Schema of the Rust types
// ---- (`cargo run -p patungan-records-dts -- --write`; do not edit). Instants are
// ---- RFC 3339 strings (a Date inside a record argument is converted by
// ---- JSON.stringify); ids are UUID strings; decimals are exact strings.
";

/// The generator every schema comes from: what the core writes (the serialisation
/// contract; fields with a `default` may be absent from what it reads), definitions under
/// `$defs`.
fn generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
}

/// The JSON Schema of every record (what the core writes; see [`records_dts`]), `$defs`
/// keyed by schema name.
pub fn records_schema() -> Value {
    let mut generator = generator();
    for (_, section) in roots() {
        for root in section {
            (root.schema)(&mut generator);
        }
    }
    let mut schema = Map::new();
    schema.insert(
        "$schema".into(),
        "https://json-schema.org/draft/2020-12/schema".into(),
    );
    schema.insert("title".into(), "patungan-core records".into());
    schema.insert(
        "$defs".into(),
        Value::Object(generator.take_definitions(true)),
    );
    Value::Object(schema)
}

/// The text of `bindings-node/records.d.ts`.
pub fn records_dts() -> Result<String, Error> {
    let mut generator = generator();
    let mut sections = Vec::new();
    let mut names = BTreeMap::new();
    for (title, section) in roots() {
        let mut defs = Vec::new();
        for root in section {
            let reference = (root.schema)(&mut generator);
            let def = ref_name(&reference)
                .ok_or_else(|| format!("a root has an inline schema: {reference}"))?
                .to_owned();
            if def != (root.name)() {
                return Err(format!(
                    "two types are named {}: give one a schemars(rename)",
                    (root.name)()
                ));
            }
            let ts = root.rename.map_or_else(|| def.clone(), str::to_owned);
            if names.insert(def.clone(), ts.clone()).is_some() {
                return Err(format!("{def} is listed twice"));
            }
            defs.push((def, ts));
        }
        sections.push((title, defs));
    }
    let writer = Writer {
        defs: generator.take_definitions(true),
        names,
    };
    let mut out = String::from(PRELUDE);
    let mut declared = BTreeSet::new();
    for (title, defs) in sections {
        let _ = write!(out, "\n// ---- {title}\n");
        for (def, ts) in defs {
            let schema = writer.def(&def)?;
            for (name, text) in writer.declarations(&ts, schema)? {
                if !declared.insert(name.clone()) {
                    return Err(format!("two declarations of {name}"));
                }
                out.push_str(&text);
            }
        }
    }
    Ok(out)
}

/// The definition name of a `{"$ref": "#/$defs/Name"}` schema.
fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix("#/$defs/")
}

fn object(schema: &Value) -> Option<&Map<String, Value>> {
    schema.as_object()
}

fn strs(value: Option<&Value>) -> Vec<&str> {
    value
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// `session_escrow` → `SessionEscrow`.
fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect()
}

fn literal(value: &Value) -> Result<String, Error> {
    match value {
        Value::String(s) => Ok(format!("'{s}'")),
        Value::Null => Ok("null".into()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(format!("no TypeScript literal for {other}")),
    }
}

/// The first paragraph of a schema's description as a TSDoc line, rustdoc links turned
/// into their text.
fn doc(schema: &Value) -> String {
    let Some(text) = schema.get("description").and_then(Value::as_str) else {
        return String::new();
    };
    let first = text.split("\n\n").next().unwrap_or_default();
    let line = first.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("/** {} */\n", unlink(&line).replace("*/", "*\\/"))
}

/// `[`Foo`]` and `[`Foo`](path)` → `` `Foo` ``; `[text](url)` → `text`.
fn unlink(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        let inner_and_more = after.get(1..).unwrap_or_default();
        let Some(close) = inner_and_more.find(']') else {
            out.push_str(after);
            return out;
        };
        let (inner, more) = inner_and_more.split_at(close);
        let more = more.get(1..).unwrap_or_default();
        let is_link = more.starts_with('(') && more.contains(')');
        if inner.starts_with('`') || is_link {
            out.push_str(inner);
            rest = if is_link {
                more.split_once(')').map_or("", |(_, tail)| tail)
            } else {
                more
            };
        } else {
            out.push('[');
            out.push_str(inner);
            out.push(']');
            rest = more;
        }
    }
    out.push_str(rest);
    out
}

struct Writer {
    defs: Map<String, Value>,
    /// Schema name → TypeScript name of every root.
    names: BTreeMap<String, String>,
}

impl Writer {
    fn def(&self, name: &str) -> Result<&Value, Error> {
        self.defs
            .get(name)
            .ok_or_else(|| format!("no definition {name}"))
    }

    /// The declarations of one root, each with its name: an interface, or a union
    /// preceded by the interfaces of its object variants.
    fn declarations(&self, ts: &str, schema: &Value) -> Result<Vec<(String, String)>, Error> {
        let doc = doc(schema);
        let variants = schema.get("oneOf").or_else(|| schema.get("anyOf"));
        if let Some(variants) = variants.and_then(Value::as_array) {
            return self.union(ts, &doc, variants);
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let alternatives = values.iter().map(literal).collect::<Result<Vec<_>, _>>()?;
            return Ok(vec![(
                ts.into(),
                format!("{doc}export type {ts} = {}\n", alternatives.join(" | ")),
            )]);
        }
        if schema.get("properties").is_some() {
            let mut body = self.fields(schema)?;
            for (_, field) in BINDING_FIELDS.iter().filter(|(record, _)| *record == ts) {
                body = format!("{body}; {field}");
            }
            return Ok(vec![(
                ts.into(),
                format!("{doc}export interface {ts} {{ {body} }}\n"),
            )]);
        }
        Err(format!("{ts}: no declaration for {schema}"))
    }

    fn union(
        &self,
        ts: &str,
        doc: &str,
        variants: &[Value],
    ) -> Result<Vec<(String, String)>, Error> {
        let (prefix, suffix) = VARIANTS
            .iter()
            .find(|(union, _, _)| *union == ts)
            .map_or(("", ""), |(_, prefix, suffix)| (*prefix, *suffix));
        let mut out = Vec::new();
        let mut units = Vec::new();
        let mut members = Vec::new();
        for variant in variants {
            if let Some(value) = variant.get("const") {
                units.push(literal(value)?);
            } else if let Some(values) = variant.get("enum").and_then(Value::as_array) {
                for value in values {
                    units.push(literal(value)?);
                }
            } else if variant.get("properties").is_some() {
                let name = format!(
                    "{prefix}{}{suffix}",
                    pascal(&self.variant_name(ts, variant)?)
                );
                let body = self.fields(variant)?;
                out.push((
                    name.clone(),
                    format!(
                        "{}export interface {name} {{ {body} }}\n",
                        self::doc(variant)
                    ),
                ));
                members.push(name);
            } else {
                return Err(format!("{ts}: no rule for the variant {variant}"));
            }
        }
        let alias = UNIT_ALIASES
            .iter()
            .find(|(union, _)| *union == ts)
            .map(|(_, alias)| *alias);
        let mut alternatives = Vec::new();
        match alias {
            Some(alias) if !units.is_empty() => {
                out.push((
                    alias.into(),
                    format!("export type {alias} = {}\n", units.join(" | ")),
                ));
                alternatives.push(alias.to_owned());
            }
            _ => alternatives.extend(units),
        }
        alternatives.extend(members);
        out.push((
            ts.into(),
            format!("{doc}export type {ts} = {}\n", alternatives.join(" | ")),
        ));
        Ok(out)
    }

    /// The name of an object variant: its tag's value, or its only key.
    fn variant_name(&self, ts: &str, variant: &Value) -> Result<String, Error> {
        let properties = variant.get("properties").and_then(object);
        let tagged = properties
            .and_then(|properties| properties.values().find_map(|p| p.get("const")?.as_str()));
        if let Some(tag) = tagged {
            return Ok(tag.to_owned());
        }
        match properties
            .map(|properties| properties.keys().collect::<Vec<_>>())
            .as_deref()
        {
            Some([key]) => Ok((*key).clone()),
            _ => Err(format!(
                "{ts}: a variant with neither a tag nor a single key: {variant}"
            )),
        }
    }

    /// `name: T; other?: U` for an object schema, `$ref` and `allOf` parts merged in.
    fn fields(&self, schema: &Value) -> Result<String, Error> {
        let mut properties = Map::new();
        let mut required = Vec::new();
        self.collect(schema, &mut properties, &mut required)?;
        let mut order: Vec<&String> = Vec::new();
        for name in &required {
            if let Some((key, _)) = properties.get_key_value(name.as_str()) {
                if !order.contains(&key) {
                    order.push(key);
                }
            }
        }
        let optional: BTreeSet<&String> = properties
            .keys()
            .filter(|k| !required.contains(k))
            .collect();
        let mut fields = Vec::new();
        for name in order.into_iter().chain(optional) {
            let schema = properties
                .get(name)
                .ok_or_else(|| format!("no property {name}"))?;
            let omissible = !required.contains(name) || schema.get("default").is_some();
            let mark = if omissible { "?" } else { "" };
            fields.push(format!("{name}{mark}: {}", self.ts_type(schema)?));
        }
        Ok(fields.join("; "))
    }

    fn collect(
        &self,
        schema: &Value,
        properties: &mut Map<String, Value>,
        required: &mut Vec<String>,
    ) -> Result<(), Error> {
        for name in strs(schema.get("required")) {
            if !required.iter().any(|r| r == name) {
                required.push(name.to_owned());
            }
        }
        if let Some(own) = schema.get("properties").and_then(object) {
            for (name, property) in own {
                properties
                    .entry(name.clone())
                    .or_insert_with(|| property.clone());
            }
        }
        if let Some(name) = ref_name(schema) {
            self.collect(self.def(name)?, properties, required)?;
        }
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.collect(part, properties, required)?;
        }
        Ok(())
    }

    fn ts_type(&self, schema: &Value) -> Result<String, Error> {
        if let Some(name) = ref_name(schema) {
            return self.named(name);
        }
        if let Some(value) = schema.get("const") {
            return literal(value);
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return Ok(values
                .iter()
                .map(literal)
                .collect::<Result<Vec<_>, _>>()?
                .join(" | "));
        }
        if let Some(variants) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)
        {
            let types = variants
                .iter()
                .map(|v| self.ts_type(v))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(types.join(" | "));
        }
        match schema.get("type") {
            Some(Value::String(ty)) => self.typed(ty, schema),
            Some(Value::Array(types)) => {
                let types = types
                    .iter()
                    .map(|ty| self.typed(ty.as_str().unwrap_or_default(), schema))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(types.join(" | "))
            }
            _ => Err(format!("no TypeScript type for {schema}")),
        }
    }

    fn typed(&self, ty: &str, schema: &Value) -> Result<String, Error> {
        match ty {
            "string" => Ok("string".into()),
            "integer" | "number" => Ok("number".into()),
            "boolean" => Ok("boolean".into()),
            "null" => Ok("null".into()),
            "array" => {
                let items = schema
                    .get("items")
                    .ok_or_else(|| format!("an array without items: {schema}"))?;
                let item = self.ts_type(items)?;
                Ok(if item.contains('|') {
                    format!("({item})[]")
                } else {
                    format!("{item}[]")
                })
            }
            "object" if schema.get("properties").is_some() => {
                Ok(format!("{{ {} }}", self.fields(schema)?))
            }
            "object" => match schema.get("additionalProperties") {
                Some(values) if values.is_object() => {
                    Ok(format!("Record<string, {}>", self.ts_type(values)?))
                }
                _ => Err(format!("an object without properties: {schema}")),
            },
            other => Err(format!("no TypeScript type for the JSON type {other}")),
        }
    }

    /// A reference to a definition: a root's name, a binding type, a primitive, or a
    /// record written out in place.
    fn named(&self, name: &str) -> Result<String, Error> {
        if let Some(ts) = self.names.get(name) {
            return Ok(ts.clone());
        }
        if let Some((_, ts)) = EXTERNAL.iter().find(|(schema, _)| *schema == name) {
            return Ok((*ts).to_owned());
        }
        let def = self.def(name)?;
        let primitive = matches!(
            def.get("type").and_then(Value::as_str),
            Some("string" | "integer" | "number" | "boolean")
        );
        let constrained = ["enum", "const", "oneOf", "anyOf", "properties"]
            .iter()
            .any(|k| def.get(*k).is_some());
        if primitive && !constrained {
            return self.ts_type(def);
        }
        if INLINE.contains(&name) {
            return self.ts_type(def);
        }
        Err(format!("{name} is used by a record but is neither emitted nor inlined: add it to the roots or to INLINE"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rustdoc_links_become_their_text() {
        assert_eq!(
            unlink("see [`Session::join`] and [`x`](crate::y)"),
            "see `Session::join` and `x`"
        );
        assert_eq!(
            unlink("[axum](https://docs.rs/axum) over [0, 1]"),
            "axum over [0, 1]"
        );
    }

    #[test]
    fn variant_names_are_pascal_case() {
        assert_eq!(pascal("session_escrow"), "SessionEscrow");
        assert_eq!(pascal("join"), "Join");
    }
}
