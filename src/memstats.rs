//! `runtime.MemStats` as Go prints it at the end of a heap profile at `debug=1`
//! (`# runtime.MemStats` then `# Name = value` lines), and the comparison of two of them.
//!
//! A heap profile says which code holds the live heap; MemStats says where the process's memory
//! went: heap in use, heap idle but not yet returned to the OS, released pages, stacks, GC
//! metadata. That is what explains resident memory far above the heap profile's in-use bytes.

use std::fmt::Write;

use crate::profile::Profile;

/// The parsed block, fields in the order Go prints them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemStats {
    pub fields: Vec<MemStat>,
}

/// One field. `Stack = a / b` (and `MSpan`, `MCache`) become two fields named after the
/// `runtime.MemStats` fields they print: `StackInuse` and `StackSys`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemStat {
    pub name: String,
    pub value: MemValue,
}

/// A field's value as printed: an unsigned integer, a float (`GCCPUFraction`), a bool
/// (`DebugGC`) or a list (`PauseNs`, `PauseEnd`).
#[derive(Debug, Clone)]
pub enum MemValue {
    Int(i64),
    Float(f64),
    Bool(bool),
    List(Vec<i64>),
}

impl PartialEq for MemValue {
    fn eq(&self, other: &MemValue) -> bool {
        match (self, other) {
            (MemValue::Int(a), MemValue::Int(b)) => a == b,
            // Bitwise, so that equality is an equivalence (the parser never yields NaN).
            (MemValue::Float(a), MemValue::Float(b)) => a.to_bits() == b.to_bits(),
            (MemValue::Bool(a), MemValue::Bool(b)) => a == b,
            (MemValue::List(a), MemValue::List(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for MemValue {}

/// Why a `# runtime.MemStats` line could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("runtime.MemStats line {line:?}: {problem}")]
pub struct MemStatsError {
    pub line: String,
    pub problem: &'static str,
}

/// Longest MemStats line kept in an error message.
const MAX_QUOTED: usize = 80;

impl MemStats {
    /// Reads one `# Name = value` line (the leading `#` already checked by the caller) and
    /// appends its field(s).
    pub fn push_line(&mut self, line: &str) -> Result<(), MemStatsError> {
        let fail = |problem| MemStatsError {
            line: line.chars().take(MAX_QUOTED).collect(),
            problem,
        };
        let body = line.strip_prefix('#').unwrap_or(line).trim();
        let (name, value) = body
            .split_once(" = ")
            .ok_or_else(|| fail("expected `# Name = value`"))?;
        let name = name.trim();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(fail("the field name is not a Go identifier"));
        }
        let value = value.trim();
        if let Some((inuse, sys)) = value.split_once(" / ") {
            self.push(
                format!("{name}Inuse"),
                MemValue::Int(parse_int(inuse).ok_or_else(|| fail("not a number"))?),
            );
            self.push(
                format!("{name}Sys"),
                MemValue::Int(parse_int(sys).ok_or_else(|| fail("not a number"))?),
            );
            return Ok(());
        }
        let parsed = if let Some(list) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            let items = list
                .split_ascii_whitespace()
                .map(parse_int)
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| fail("a list item is not a number"))?;
            MemValue::List(items)
        } else if value == "true" || value == "false" {
            MemValue::Bool(value == "true")
        } else if value.bytes().all(|b| b.is_ascii_digit()) {
            MemValue::Int(parse_int(value).ok_or_else(|| fail("a number above 2^63 - 1"))?)
        } else {
            match value.parse::<f64>() {
                Ok(f) if f.is_finite() && f >= 0.0 => MemValue::Float(f),
                _ => return Err(fail("not a number")),
            }
        };
        self.push(name.to_string(), parsed);
        Ok(())
    }

    fn push(&mut self, name: String, value: MemValue) {
        self.fields.push(MemStat { name, value });
    }

    /// The value of an integer field.
    pub fn int(&self, name: &str) -> Option<i64> {
        self.fields
            .iter()
            .find_map(|f| match (&f.value, f.name == name) {
                (MemValue::Int(v), true) => Some(*v),
                _ => None,
            })
    }

    /// The scalar fields (integers and floats) as numbers, in print order.
    pub fn scalars(&self) -> impl Iterator<Item = (&str, Number)> {
        self.fields.iter().filter_map(|f| match f.value {
            MemValue::Int(v) => Some((f.name.as_str(), Number::Int(v))),
            MemValue::Float(v) => Some((f.name.as_str(), Number::Float(v))),
            _ => None,
        })
    }
}

/// Go prints MemStats fields as unsigned decimals; values above 2^63 − 1 never occur in a real
/// runtime and are refused.
fn parse_int(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A scalar field's value.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Number {
    Int(i64),
    Float(f64),
}

/// What a field measures, for formatting its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bytes,
    Count,
    /// Nanoseconds since the Unix epoch (`LastGC`).
    Timestamp,
    Fraction,
}

/// The kind of a field by its name.
pub fn kind_of(name: &str) -> Kind {
    match name {
        "Lookups" | "Mallocs" | "Frees" | "HeapObjects" | "NumGC" | "NumForcedGC" => Kind::Count,
        "LastGC" => Kind::Timestamp,
        "GCCPUFraction" => Kind::Fraction,
        _ => Kind::Bytes,
    }
}

/// One field of A against B.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    pub a: Option<Number>,
    pub b: Option<Number>,
    pub delta: Option<Number>,
    pub a_text: String,
    pub b_text: String,
    pub delta_text: String,
}

/// A part of the process's memory, from MemStats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// A stable key for the page (`heap-inuse`, `heap-idle`, …).
    pub key: &'static str,
    pub label: &'static str,
    pub bytes: i64,
}

/// One side's picture: where `Sys` went, the peak RSS when Go printed it, and how much of
/// `HeapAlloc` the heap profile's `inuse_space` accounts for.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub parts: Vec<Part>,
    pub sys: Option<i64>,
    pub max_rss: Option<i64>,
    pub heap_alloc: Option<i64>,
    /// Σ inuse_space of the side's heap profile, when it has that sample type.
    pub profile_inuse: Option<i64>,
}

/// What each part is, in a sentence, for the page and the text report.
pub const PART_NOTES: &[(&str, &str)] = &[
    (
        "heap-inuse",
        "Heap in use: spans holding at least one object (HeapInuse); live objects plus their size-class rounding and not-yet-swept garbage.",
    ),
    (
        "heap-idle",
        "Heap idle, not released: free spans the runtime keeps for reuse (HeapIdle − HeapReleased); still resident until the scavenger returns them.",
    ),
    (
        "heap-released",
        "Heap released: idle spans returned to the OS (HeapReleased); counted in Sys but no longer resident.",
    ),
    (
        "stacks",
        "Stacks: goroutine stacks (StackSys); grows with the number and depth of goroutines.",
    ),
    (
        "span-cache",
        "Span and cache metadata: mspan and mcache structures (MSpanSys + MCacheSys).",
    ),
    (
        "gc",
        "GC metadata: mark bitmaps and other collector structures (GCSys).",
    ),
    (
        "buckets",
        "Profiling buckets: the stack tables of the heap, block and mutex profiles (BuckHashSys).",
    ),
    (
        "other",
        "Other: the runtime's remaining off-heap allocations (OtherSys).",
    ),
];

impl Picture {
    pub fn of(m: &MemStats, profile_inuse: Option<i64>) -> Picture {
        let get = |n: &str| m.int(n).unwrap_or(0);
        let idle_kept = get("HeapIdle").saturating_sub(get("HeapReleased")).max(0);
        let parts = vec![
            part("heap-inuse", "heap in use", get("HeapInuse")),
            part("heap-idle", "heap idle, not released", idle_kept),
            part("heap-released", "heap released", get("HeapReleased")),
            part("stacks", "stacks", get("StackSys")),
            part(
                "span-cache",
                "span and cache metadata",
                get("MSpanSys").saturating_add(get("MCacheSys")),
            ),
            part("gc", "GC metadata", get("GCSys")),
            part("buckets", "profiling buckets", get("BuckHashSys")),
            part("other", "other", get("OtherSys")),
        ];
        Picture {
            parts,
            sys: m.int("Sys"),
            max_rss: m.int("MaxRSS"),
            heap_alloc: m.int("HeapAlloc"),
            profile_inuse,
        }
    }

    /// inuse_space as a share of HeapAlloc, e.g. `87.5%`, when both are known.
    pub fn profile_share_text(&self) -> Option<String> {
        match (self.profile_inuse, self.heap_alloc) {
            (Some(p), Some(h)) if h > 0 => Some(format!("{:.1}%", p as f64 * 100.0 / h as f64)),
            _ => None,
        }
    }
}

fn part(key: &'static str, label: &'static str, bytes: i64) -> Part {
    Part { key, label, bytes }
}

/// The MemStats of A and B side by side, with each side's picture. A side without MemStats
/// (a protobuf profile, a text of another kind) has no picture and empty cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub rows: Vec<Row>,
    pub a: Option<Picture>,
    pub b: Option<Picture>,
}

impl Comparison {
    pub fn of(a: Option<&Profile>, b: Option<&Profile>) -> Comparison {
        let picture = |p: Option<&Profile>| {
            let p = p?;
            Some(Picture::of(p.memstats.as_ref()?, inuse_space(p)))
        };
        let empty = MemStats::default();
        Comparison {
            rows: compare(
                a.and_then(|p| p.memstats.as_ref()).unwrap_or(&empty),
                b.and_then(|p| p.memstats.as_ref()).unwrap_or(&empty),
            ),
            a: picture(a),
            b: picture(b),
        }
    }
}

/// Σ inuse_space (`space` in a two-type heap text) of a heap profile.
fn inuse_space(p: &Profile) -> Option<i64> {
    let i = p
        .sample_types
        .iter()
        .position(|t| t.ty == "inuse_space")
        .or_else(|| p.sample_types.iter().position(|t| t.ty == "space"))?;
    Some((0..p.samples.len()).fold(0i64, |acc, s| acc.wrapping_add(p.samples.value(s, i))))
}

/// A's and B's MemStats field by field, in A's print order (fields only B has follow).
pub fn compare(a: &MemStats, b: &MemStats) -> Vec<Row> {
    let mut names: Vec<&str> = a.scalars().map(|(n, _)| n).collect();
    for (n, _) in b.scalars() {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let find = |m: &MemStats, name: &str| m.scalars().find(|(n, _)| *n == name).map(|(_, v)| v);
    names
        .into_iter()
        .map(|name| {
            let (va, vb) = (find(a, name), find(b, name));
            let delta = match (va, vb) {
                (Some(Number::Int(x)), Some(Number::Int(y))) => {
                    Some(Number::Int(y.wrapping_sub(x)))
                }
                (Some(x), Some(y)) => Some(Number::Float(as_f64(y) - as_f64(x))),
                _ => None,
            };
            let kind = kind_of(name);
            Row {
                name: name.to_string(),
                a: va,
                b: vb,
                delta,
                a_text: cell(va, kind, false),
                b_text: cell(vb, kind, false),
                delta_text: cell(delta, kind, true),
            }
        })
        .collect()
}

fn as_f64(n: Number) -> f64 {
    match n {
        Number::Int(v) => v as f64,
        Number::Float(v) => v,
    }
}

/// A value as the reports print it: bytes in pprof's units, counts as integers, `LastGC` as a
/// time (its Δ as a duration), the GC CPU fraction as a percentage.
pub fn cell(v: Option<Number>, kind: Kind, signed: bool) -> String {
    let Some(v) = v else {
        return "-".to_string();
    };
    let sign = |neg: bool| if signed && !neg { "+" } else { "" };
    match (v, kind) {
        (Number::Int(0), _) if signed => "0".to_string(),
        (Number::Int(n), Kind::Bytes) => {
            format!("{}{}", sign(n < 0), crate::units::label(n, "bytes"))
        }
        (Number::Int(n), Kind::Timestamp) if signed => {
            format!("{}{}", sign(n < 0), crate::units::label(n, "nanoseconds"))
        }
        (Number::Int(0), Kind::Timestamp) => "never".to_string(),
        (Number::Int(n), Kind::Timestamp) => crate::report::text::format_time(n),
        (Number::Int(n), _) => format!("{}{n}", sign(n < 0)),
        (Number::Float(f), _) => format!("{}{:.4}%", sign(f < 0.0), f * 100.0),
    }
}

/// The key MemStats lines for a report header: what the heap holds against what the process
/// took from the OS.
pub fn key_line(m: &MemStats) -> String {
    let bytes = |name: &str| cell(m.int(name).map(Number::Int), Kind::Bytes, false);
    let mut line = String::new();
    let _ = write!(
        line,
        "HeapAlloc {}, HeapInuse {}, HeapIdle {}, HeapReleased {}, StackSys {}, Sys {}",
        bytes("HeapAlloc"),
        bytes("HeapInuse"),
        bytes("HeapIdle"),
        bytes("HeapReleased"),
        bytes("StackSys"),
        bytes("Sys"),
    );
    if m.int("MaxRSS").is_some() {
        let _ = write!(line, ", MaxRSS {}", bytes("MaxRSS"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(lines: &[&str]) -> MemStats {
        let mut m = MemStats::default();
        for l in lines {
            m.push_line(l).unwrap();
        }
        m
    }

    #[test]
    fn reads_every_form_go_prints() {
        let m = parse(&[
            "# Alloc = 3848568",
            "# Stack = 262144 / 393216",
            "# PauseNs = [71142 630447 0]",
            "# GCCPUFraction = 1.5e-05",
            "# DebugGC = false",
        ]);
        assert_eq!(m.int("Alloc"), Some(3848568));
        assert_eq!(m.int("StackInuse"), Some(262144));
        assert_eq!(m.int("StackSys"), Some(393216));
        assert_eq!(m.fields[3].value, MemValue::List(vec![71142, 630447, 0]));
        assert_eq!(m.fields[4].value, MemValue::Float(1.5e-05));
        assert_eq!(m.fields[5].value, MemValue::Bool(false));
        let names: Vec<&str> = m.scalars().map(|(n, _)| n).collect();
        assert_eq!(names, ["Alloc", "StackInuse", "StackSys", "GCCPUFraction"]);
    }

    #[test]
    fn refuses_garbled_lines() {
        let mut m = MemStats::default();
        for bad in [
            "# Alloc 12",
            "# Alloc = 0x10",
            "# Alloc = -1",
            "# Alloc = 99999999999999999999",
            "# A-b = 1",
            "# PauseNs = [1 x]",
            "# GCCPUFraction = NaN",
        ] {
            assert!(m.push_line(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rows_carry_raw_deltas_and_text() {
        let a = parse(&[
            "# HeapInuse = 1048576",
            "# NumGC = 4",
            "# GCCPUFraction = 0.5",
        ]);
        let b = parse(&[
            "# HeapInuse = 524288",
            "# NumGC = 6",
            "# GCCPUFraction = 0.25",
        ]);
        let rows = compare(&a, &b);
        assert_eq!(rows[0].delta, Some(Number::Int(-524288)));
        assert_eq!(rows[0].a_text, "1MB");
        assert_eq!(rows[0].delta_text, "-512kB");
        assert_eq!(rows[1].delta_text, "+2");
        assert_eq!(rows[2].delta, Some(Number::Float(-0.25)));
        assert_eq!(rows[2].b_text, "25.0000%");
    }

    #[test]
    fn picture_parts_add_up_to_sys() {
        let m = parse(&[
            "# Sys = 1000",
            "# HeapIdle = 300",
            "# HeapInuse = 200",
            "# HeapReleased = 100",
            "# Stack = 50 / 60",
            "# MSpan = 5 / 10",
            "# MCache = 1 / 20",
            "# BuckHashSys = 30",
            "# GCSys = 80",
            "# OtherSys = 300",
        ]);
        let p = Picture::of(&m, Some(150));
        let sum: i64 = p.parts.iter().map(|x| x.bytes).sum();
        assert_eq!(Some(sum), p.sys);
        assert_eq!(p.parts[1].bytes, 200);
    }
}
