//! Native effect records: the two effects a settlement queues per participant
//! (`CreateOrder`, `CreditCashback`) are frozen classes of `patungan.session` built
//! straight from the core value, whose getters convert a field when it is read.
//! Every other event and effect goes through the record codec ([`crate::json`]).
//!
//! They behave like the frozen dataclasses they replace: keyword or positional
//! construction (the `type` tag last, defaulted), equality and hashing by fields,
//! a dataclass-style `repr`, `__match_args__`, `__reduce__`; `to_json`/`from_json` give
//! the core's serde form (what `patungan._codec.encode` uses).

use patungan_core::session as core;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple, PyType};
use uuid::Uuid;

use crate::cost::CostBreakdown;
use crate::errors::json_error;
use crate::json::{core_value, record};
use crate::money::Money;

/// The typed record of a drained effect: native for the per-participant effects,
/// the codec's dataclass for the others.
pub fn effect<'py>(py: Python<'py>, e: &core::Effect) -> PyResult<Bound<'py, PyAny>> {
    match e {
        core::Effect::CreateOrder(order) => {
            Ok(Bound::new(py, CreateOrder((**order).clone()))?.into_any())
        }
        core::Effect::CreditCashback {
            participant,
            user,
            amount,
        } => Ok(Bound::new(
            py,
            CreditCashback {
                participant: (*participant).into(),
                user: (*user).into(),
                amount: *amount,
            },
        )?
        .into_any()),
        other => record(py, "Effect", other),
    }
}

/// The typed record of a drained event (the codec's dataclass).
pub fn event<'py>(py: Python<'py>, e: &core::Event) -> PyResult<Bound<'py, PyAny>> {
    record(py, "Event", e)
}

fn check_tag(given: &str, tag: &str) -> PyResult<()> {
    if given == tag {
        Ok(())
    } else {
        Err(PyValueError::new_err(format!(
            "type must be {tag:?}, got {given:?}"
        )))
    }
}

/// `Name(field=repr, …)` like a dataclass.
fn repr_of(name: &str, names: &[&str], values: &Bound<'_, PyTuple>) -> PyResult<String> {
    let mut parts = Vec::with_capacity(names.len());
    for (field, value) in names.iter().zip(values.iter()) {
        parts.push(format!("{field}={}", value.repr()?));
    }
    Ok(format!("{name}({})", parts.join(", ")))
}

fn effect_json(e: &core::Effect) -> PyResult<String> {
    serde_json::to_string(e).map_err(json_error)
}

fn wrong_effect(want: &str, e: &core::Effect) -> PyErr {
    PyValueError::new_err(format!("expected a {want} effect, got {}", e.kind()))
}

const ORDER_FIELDS: [&str; 10] = [
    "participant",
    "user",
    "variant",
    "quantity",
    "paid_unit_price",
    "final_unit_price",
    "cashback",
    "payment",
    "cost",
    "type",
];

/// Create the order of a paid participant (effect `create_order`).
#[pyclass(module = "patungan.session", frozen, eq)]
#[derive(Clone, PartialEq, Eq)]
pub struct CreateOrder(pub core::OrderRequest);

#[pymethods]
impl CreateOrder {
    #[new]
    #[pyo3(signature = (participant, user, variant, quantity, paid_unit_price, final_unit_price, cashback, payment, cost, r#type = "create_order"))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        participant: Uuid,
        user: Uuid,
        variant: Option<Uuid>,
        quantity: u64,
        paid_unit_price: PyRef<'_, Money>,
        final_unit_price: PyRef<'_, Money>,
        cashback: PyRef<'_, Money>,
        payment: Uuid,
        cost: PyRef<'_, CostBreakdown>,
        r#type: &str,
    ) -> PyResult<Self> {
        check_tag(r#type, "create_order")?;
        Ok(CreateOrder(core::OrderRequest {
            participant: participant.into(),
            user: user.into(),
            variant: variant.map(Into::into),
            quantity,
            paid_unit_price: paid_unit_price.0,
            final_unit_price: final_unit_price.0,
            cashback: cashback.0,
            payment: payment.into(),
            cost: cost.0,
        }))
    }

    #[classattr]
    fn __match_args__(py: Python<'_>) -> PyResult<Py<PyTuple>> {
        PyTuple::new(py, ORDER_FIELDS).map(Bound::unbind)
    }

    /// The participant (idempotency key).
    #[getter]
    fn participant(&self) -> Uuid {
        self.0.participant.into()
    }

    /// The buyer.
    #[getter]
    fn user(&self) -> Uuid {
        self.0.user.into()
    }

    /// The variant, if any.
    #[getter]
    fn variant(&self) -> Option<Uuid> {
        self.0.variant.map(Into::into)
    }

    /// Units.
    #[getter]
    fn quantity(&self) -> u64 {
        self.0.quantity
    }

    /// The unit price paid up front (the group price).
    #[getter]
    fn paid_unit_price(&self) -> Money {
        Money(self.0.paid_unit_price)
    }

    /// The unit price reached (the final rung's).
    #[getter]
    fn final_unit_price(&self) -> Money {
        Money(self.0.final_unit_price)
    }

    /// Cashback credited: `(paid − final) × quantity`.
    #[getter]
    fn cashback(&self) -> Money {
        Money(self.0.cashback)
    }

    /// The participant's payment.
    #[getter]
    fn payment(&self) -> Uuid {
        self.0.payment.into()
    }

    /// What the participant paid, part by part.
    #[getter]
    fn cost(&self) -> CostBreakdown {
        CostBreakdown(self.0.cost)
    }

    /// The effect's tag, `"create_order"`.
    #[getter]
    fn r#type(&self) -> &'static str {
        "create_order"
    }

    /// The effect in the core's JSON form.
    fn to_json(&self) -> PyResult<String> {
        effect_json(&core::Effect::CreateOrder(Box::new(self.0.clone())))
    }

    /// The effect from its JSON form (a dict or JSON text).
    #[staticmethod]
    fn from_json(json: &Bound<'_, PyAny>) -> PyResult<Self> {
        match core_value::<core::Effect>(json)? {
            core::Effect::CreateOrder(order) => Ok(CreateOrder(*order)),
            other => Err(wrong_effect("create_order", &other)),
        }
    }

    fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
        self.fields(py)?.hash()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr_of("CreateOrder", &ORDER_FIELDS, &self.fields(py)?)
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyType>, Bound<'py, PyTuple>)> {
        Ok((slf.get_type(), slf.get().fields(slf.py())?))
    }
}

impl CreateOrder {
    fn fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        (
            self.participant(),
            self.user(),
            self.variant(),
            self.quantity(),
            self.paid_unit_price(),
            self.final_unit_price(),
            self.cashback(),
            self.payment(),
            self.cost(),
            PyString::new(py, self.r#type()),
        )
            .into_pyobject(py)
    }
}

const CASHBACK_FIELDS: [&str; 4] = ["participant", "user", "amount", "type"];

/// Credit cashback to a paid participant's wallet (effect `credit_cashback`).
#[pyclass(module = "patungan.session", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CreditCashback {
    participant: Uuid,
    user: Uuid,
    amount: patungan_core::Money,
}

#[pymethods]
impl CreditCashback {
    #[new]
    #[pyo3(signature = (participant, user, amount, r#type = "credit_cashback"))]
    fn new(
        participant: Uuid,
        user: Uuid,
        amount: PyRef<'_, Money>,
        r#type: &str,
    ) -> PyResult<Self> {
        check_tag(r#type, "credit_cashback")?;
        Ok(CreditCashback {
            participant,
            user,
            amount: amount.0,
        })
    }

    #[classattr]
    fn __match_args__(py: Python<'_>) -> PyResult<Py<PyTuple>> {
        PyTuple::new(py, CASHBACK_FIELDS).map(Bound::unbind)
    }

    /// The participant.
    #[getter]
    fn participant(&self) -> Uuid {
        self.participant
    }

    /// The wallet owner.
    #[getter]
    fn user(&self) -> Uuid {
        self.user
    }

    /// `(group price − final unit price) × quantity`.
    #[getter]
    fn amount(&self) -> Money {
        Money(self.amount)
    }

    /// The effect's tag, `"credit_cashback"`.
    #[getter]
    fn r#type(&self) -> &'static str {
        "credit_cashback"
    }

    /// The effect in the core's JSON form.
    fn to_json(&self) -> PyResult<String> {
        effect_json(&self.core())
    }

    /// The effect from its JSON form (a dict or JSON text).
    #[staticmethod]
    fn from_json(json: &Bound<'_, PyAny>) -> PyResult<Self> {
        match core_value::<core::Effect>(json)? {
            core::Effect::CreditCashback {
                participant,
                user,
                amount,
            } => Ok(CreditCashback {
                participant: participant.into(),
                user: user.into(),
                amount,
            }),
            other => Err(wrong_effect("credit_cashback", &other)),
        }
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr_of("CreditCashback", &CASHBACK_FIELDS, &self.fields(py)?)
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyType>, Bound<'py, PyTuple>)> {
        Ok((slf.get_type(), slf.get().fields(slf.py())?))
    }
}

impl CreditCashback {
    fn core(&self) -> core::Effect {
        core::Effect::CreditCashback {
            participant: self.participant.into(),
            user: self.user.into(),
            amount: self.amount,
        }
    }

    fn fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        (
            self.participant,
            self.user,
            self.amount(),
            PyString::new(py, self.r#type()),
        )
            .into_pyobject(py)
    }
}
