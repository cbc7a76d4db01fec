//! The CI gate of `profdiff diff --fail-if=EXPR`: conditions on how much the total, or one
//! node, changed from A to B.
//!
//! ```text
//! EXPR      := CONDITION ( "," CONDITION )*          any condition that holds trips the gate
//! CONDITION := SUBJECT OP AMOUNT
//! SUBJECT   := "total"                               Δ of the profile total
//!            | "growing"                             (trend only) Δ of each GROWING node
//!            | [ "cum:" ] NAME                       Δflat (or Δcum) of the node printed as NAME
//! NAME      := "'" any text without a quote "'" | text up to the operator (no < > = ,)
//! OP        := ">" | ">=" | "<" | "<="
//! AMOUNT    := [ "+" | "-" ] NUMBER [ UNIT | "%" ]   UNIT of the sample's family (B kB MB GB TB,
//!                                                    ns us ms s hrs); "%" is relative to A
//! ```
//! Examples: `total>+10%`, `'compress/flate.NewWriter'>+1MB`, `cum:main.handler>=50ms`.
//! A node absent from both profiles changed by 0; a relative change from 0 is infinite.
//! On a trend (`profdiff trend`) A is the first snapshot and B the last, and `growing>AMOUNT`
//! holds when any node judged GROWING changed by more than AMOUNT.

use crate::compare::Comparison;
use crate::trend::{Trend, Verdict};
use crate::units;

/// What a gate looks at: the first (A) and last (B) values of the total and of each node.
pub trait Observed {
    fn sample_unit(&self) -> &str;
    /// The totals, A then B.
    fn totals(&self) -> (i64, i64);
    /// A node's flat (or cum) in A and B; 0 where absent.
    fn node(&self, name: &str, cum: bool) -> (i64, i64);
    /// The nodes judged GROWING with their first and last values, or None when the report
    /// has no verdicts.
    fn growing(&self) -> Option<Vec<(&str, i64, i64)>>;
}

impl Observed for Comparison {
    fn sample_unit(&self) -> &str {
        &self.sample_unit
    }

    fn totals(&self) -> (i64, i64) {
        (self.a.total, self.b.total)
    }

    fn node(&self, name: &str, cum: bool) -> (i64, i64) {
        let row = self.rows.iter().find(|r| r.name == name);
        row.map_or((0, 0), |r| {
            if cum {
                (r.a_cum, r.b_cum)
            } else {
                (r.a_flat, r.b_flat)
            }
        })
    }

    fn growing(&self) -> Option<Vec<(&str, i64, i64)>> {
        None
    }
}

impl Observed for Trend {
    fn sample_unit(&self) -> &str {
        &self.sample_unit
    }

    fn totals(&self) -> (i64, i64) {
        (self.first_total(), self.last_total())
    }

    fn node(&self, name: &str, cum: bool) -> (i64, i64) {
        let row = self.rows.iter().find(|r| r.name == name);
        row.map_or((0, 0), |r| {
            let values = if cum { &r.cum } else { &r.flat };
            (values[0], values[values.len() - 1])
        })
    }

    fn growing(&self) -> Option<Vec<(&str, i64, i64)>> {
        Some(
            self.rows
                .iter()
                .filter(|r| r.verdict == Verdict::Growing)
                .map(|r| (r.name.as_str(), r.values[0], r.values[r.values.len() - 1]))
                .collect(),
        )
    }
}

/// What a condition measures.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    Total,
    /// Any node judged GROWING (trends only).
    Growing,
    Flat(String),
    Cum(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
}

/// The threshold: an amount in a unit (converted when evaluated) or a percentage of A.
#[derive(Debug, Clone, PartialEq)]
pub enum Amount {
    Value { number: f64, unit: String },
    Percent(f64),
}

/// One parsed condition, with the text it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub subject: Subject,
    pub op: Op,
    pub amount: Amount,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GateError {
    #[error("--fail-if: {message} in {condition:?}")]
    Syntax { condition: String, message: String },
    #[error("--fail-if: {condition:?} applies to profdiff trend only")]
    TrendOnly { condition: String },
    #[error("--fail-if: unit {unit:?} does not measure {sample_unit} (in {condition:?})")]
    Unit {
        condition: String,
        unit: String,
        sample_unit: String,
    },
}

/// Parses an expression; see the module docs for the grammar.
pub fn parse(expr: &str) -> Result<Vec<Condition>, GateError> {
    let mut conditions = Vec::new();
    let mut rest = expr.trim();
    while !rest.is_empty() {
        let (condition, after) = parse_condition(rest)?;
        conditions.push(condition);
        rest = after.trim_start();
        if let Some(r) = rest.strip_prefix(',') {
            rest = r.trim_start();
            if rest.is_empty() {
                return Err(syntax(expr, "a condition must follow ','"));
            }
        } else if !rest.is_empty() {
            return Err(syntax(expr, "expected ',' between conditions"));
        }
    }
    if conditions.is_empty() {
        return Err(syntax(expr, "no condition"));
    }
    Ok(conditions)
}

fn syntax(condition: &str, message: &str) -> GateError {
    GateError::Syntax {
        condition: condition.to_string(),
        message: message.to_string(),
    }
}

fn parse_condition(input: &str) -> Result<(Condition, &str), GateError> {
    let (is_cum, body) = match input.strip_prefix("cum:") {
        Some(b) => (true, b),
        None => (false, input),
    };
    let (name, after_name) = if let Some(quoted) = body.strip_prefix('\'') {
        let end = quoted
            .find('\'')
            .ok_or_else(|| syntax(input, "unterminated quote"))?;
        (quoted[..end].to_string(), &quoted[end + 1..])
    } else {
        let end = body
            .find(['<', '>', '=', ','])
            .ok_or_else(|| syntax(input, "missing operator (>, >=, <, <=)"))?;
        (body[..end].trim().to_string(), &body[end..])
    };
    if name.is_empty() {
        return Err(syntax(input, "missing subject (total or a name)"));
    }
    let after_name = after_name.trim_start();
    let (op, after_op) = if let Some(r) = after_name.strip_prefix(">=") {
        (Op::GreaterOrEqual, r)
    } else if let Some(r) = after_name.strip_prefix("<=") {
        (Op::LessOrEqual, r)
    } else if let Some(r) = after_name.strip_prefix('>') {
        (Op::Greater, r)
    } else if let Some(r) = after_name.strip_prefix('<') {
        (Op::Less, r)
    } else {
        return Err(syntax(input, "missing operator (>, >=, <, <=)"));
    };
    let after_op = after_op.trim_start();
    let end = after_op.find(',').unwrap_or(after_op.len());
    let amount_text = after_op[..end].trim();
    let amount = parse_amount(amount_text)
        .ok_or_else(|| syntax(input, "expected an amount like +10%, 1MB, -50ms or 1000"))?;
    let consumed = input.len() - after_op[end..].len();
    let subject = match (is_cum, name.as_str()) {
        (false, "total") => Subject::Total,
        (false, "growing") => Subject::Growing,
        (true, _) => Subject::Cum(name),
        (false, _) => Subject::Flat(name),
    };
    Ok((
        Condition {
            subject,
            op,
            amount,
            text: input[..consumed].trim().to_string(),
        },
        &after_op[end..],
    ))
}

fn parse_amount(text: &str) -> Option<Amount> {
    let split = text
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || (i == 0 && (c == '+' || c == '-'))))
        .map_or(text.len(), |(i, _)| i);
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    if !number.is_finite() {
        return None;
    }
    Some(match unit.trim() {
        "%" => Amount::Percent(number),
        unit if !unit.chars().all(|c| c.is_alphabetic() || c == '*') => return None,
        unit => Amount::Value {
            number,
            unit: unit.to_string(),
        },
    })
}

/// A condition that held, with what was observed.
#[derive(Debug, Clone, PartialEq)]
pub struct Trip {
    pub condition: String,
    pub observed: String,
}

/// Evaluates `conditions` on a comparison or a trend (best made with no row trimming, so
/// that every name is found).
pub fn evaluate(conditions: &[Condition], c: &impl Observed) -> Result<Vec<Trip>, GateError> {
    let mut trips = Vec::new();
    for cond in conditions {
        let changes: Vec<(i64, i64, String)> = match &cond.subject {
            Subject::Total => {
                let (a, b) = c.totals();
                vec![(a, b, "total".to_string())]
            }
            Subject::Flat(name) | Subject::Cum(name) => {
                let cum = matches!(cond.subject, Subject::Cum(_));
                let (a, b) = c.node(name, cum);
                let what = format!("{} of {name}", if cum { "cum" } else { "flat" });
                vec![(a, b, what)]
            }
            Subject::Growing => c
                .growing()
                .ok_or_else(|| GateError::TrendOnly {
                    condition: cond.text.clone(),
                })?
                .into_iter()
                .map(|(name, a, b)| (a, b, format!("{name} (GROWING)")))
                .collect(),
        };
        for (a, b, what) in changes {
            if holds(cond, a, b, c.sample_unit())? {
                let delta = b.wrapping_sub(a);
                trips.push(Trip {
                    condition: cond.text.clone(),
                    observed: format!(
                        "{what} changed by {} ({})",
                        crate::compare::signed_label(delta, c.sample_unit(), "minimum"),
                        crate::compare::relative_change(delta, a)
                    ),
                });
            }
        }
    }
    Ok(trips)
}

/// Whether the change from `a` to `b` meets the condition's operator and amount.
fn holds(cond: &Condition, a: i64, b: i64, sample_unit: &str) -> Result<bool, GateError> {
    let delta = b.wrapping_sub(a);
    let (observed_value, threshold) = match &cond.amount {
        Amount::Percent(p) => (percent_change(delta, a), *p),
        Amount::Value { number, unit } => {
            let factor = unit_factor(unit, sample_unit).ok_or_else(|| GateError::Unit {
                condition: cond.text.clone(),
                unit: unit.clone(),
                sample_unit: sample_unit.to_string(),
            })?;
            (delta as f64, number * factor)
        }
    };
    Ok(match cond.op {
        Op::Greater => observed_value > threshold,
        Op::GreaterOrEqual => observed_value >= threshold,
        Op::Less => observed_value < threshold,
        Op::LessOrEqual => observed_value <= threshold,
    })
}

fn percent_change(delta: i64, base: i64) -> f64 {
    if base == 0 {
        return match delta.signum() {
            1 => f64::INFINITY,
            -1 => f64::NEG_INFINITY,
            _ => 0.0,
        };
    }
    delta as f64 / base.unsigned_abs() as f64 * 100.0
}

/// How many sample units one `unit` is; "" means sample units.
fn unit_factor(unit: &str, sample_unit: &str) -> Option<f64> {
    if unit.is_empty() {
        return Some(1.0);
    }
    if !units::compatible_units(unit, sample_unit) {
        return None;
    }
    let (one_in_samples, _) = units::scale(1, unit, sample_unit);
    Some(one_in_samples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        let c = parse("total>+10%, 'compress/flate.NewWriter'>+1MB,cum:main.h<=-50ms").unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].subject, Subject::Total);
        assert_eq!(c[0].op, Op::Greater);
        assert_eq!(c[0].amount, Amount::Percent(10.0));
        assert_eq!(
            c[1].subject,
            Subject::Flat("compress/flate.NewWriter".into())
        );
        assert_eq!(
            c[1].amount,
            Amount::Value {
                number: 1.0,
                unit: "MB".into()
            }
        );
        assert_eq!(c[2].subject, Subject::Cum("main.h".into()));
        assert_eq!(c[2].op, Op::LessOrEqual);
        assert_eq!(c[1].text, "'compress/flate.NewWriter'>+1MB");
        let c = parse("growing>1MB").unwrap();
        assert_eq!(c[0].subject, Subject::Growing);
        let c = parse("'a<b>::f'>=1000").unwrap();
        assert_eq!(c[0].subject, Subject::Flat("a<b>::f".into()));
    }

    #[test]
    fn rejects_malformed_expressions() {
        for bad in [
            "",
            "total",
            "total>",
            "total>abc",
            "'x>1",
            "total>1,",
            "total>1 x>2",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn unit_factors_follow_the_sample_unit() {
        assert_eq!(unit_factor("MB", "bytes"), Some(1048576.0));
        assert_eq!(unit_factor("ms", "nanoseconds"), Some(1e6));
        assert_eq!(unit_factor("MB", "nanoseconds"), None);
        assert_eq!(unit_factor("", "count"), Some(1.0));
    }
}
