//! Every report as a plain table of cells (title lines, column names, rows), the one shape the
//! Markdown and CSV renderings are written from. Cells hold the values as the text report
//! prints them; CSV adds the raw numbers after them.

use crate::compare::{Comparison, Paths, Peek};
use crate::report::text;
use crate::top::TopTable;
use crate::trend::{self, Trend};

/// A report as lines of context and a grid of cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub title_lines: Vec<String>,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    /// Raw numbers per row, for CSV, named by `raw_columns`.
    pub raw_columns: Vec<String>,
    pub raw_rows: Vec<Vec<i64>>,
}

impl Table {
    pub fn from_top(t: &TopTable) -> Table {
        Table {
            title_lines: text::header_lines(t),
            columns: vec!["flat", "flat%", "sum%", "cum", "cum%", "name", "inline"],
            rows: t
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.flat_text.clone(),
                        r.flat_pct.trim().to_string(),
                        r.sum_pct.trim().to_string(),
                        r.cum_text.clone(),
                        r.cum_pct.trim().to_string(),
                        r.name.clone(),
                        r.inline.as_str().to_string(),
                    ]
                })
                .collect(),
            raw_columns: owned(&["flat_value", "cum_value"]),
            raw_rows: t.rows.iter().map(|r| vec![r.flat, r.cum]).collect(),
        }
    }

    pub fn from_diff(c: &Comparison, a_files: &[String], b_files: &[String]) -> Table {
        Table {
            title_lines: text::diff_header_lines(c, a_files, b_files),
            columns: vec![
                "name", "A flat", "B flat", "Δflat", "Δ%", "A cum", "B cum", "Δcum", "status",
            ],
            rows: c
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.name.clone(),
                        r.a_flat_text.clone(),
                        r.b_flat_text.clone(),
                        r.delta_flat_text.clone(),
                        r.delta_pct_text.clone(),
                        r.a_cum_text.clone(),
                        r.b_cum_text.clone(),
                        r.delta_cum_text.clone(),
                        r.status.as_str().to_string(),
                    ]
                })
                .collect(),
            raw_columns: owned(&["a_flat_value", "b_flat_value", "a_cum_value", "b_cum_value"]),
            raw_rows: c
                .rows
                .iter()
                .map(|r| vec![r.a_flat, r.b_flat, r.a_cum, r.b_cum])
                .collect(),
        }
    }

    pub fn from_paths(p: &Paths, a_files: &[String], b_files: &[String]) -> Table {
        Table {
            title_lines: text::paths_header_lines(p, a_files, b_files),
            columns: vec!["rank", "depth", "path", "A", "B", "Δ"],
            rows: p
                .nodes
                .iter()
                .map(|n| {
                    vec![
                        n.rank.map(|r| r.to_string()).unwrap_or_default(),
                        n.depth.to_string(),
                        format!("{}{}", "  ".repeat(n.depth), n.name),
                        n.a_text.clone(),
                        n.b_text.clone(),
                        n.delta_text.clone(),
                    ]
                })
                .collect(),
            raw_columns: owned(&["a_value", "b_value"]),
            raw_rows: p.nodes.iter().map(|n| vec![n.a, n.b]).collect(),
        }
    }
}

impl Table {
    pub fn from_peek(p: &Peek) -> Table {
        let mut rows = Vec::new();
        let mut raw_rows = Vec::new();
        let mut push = |role: &str, e: &crate::compare::PeekEdge| {
            rows.push(vec![
                role.to_string(),
                e.name.clone(),
                e.a_text.clone(),
                e.b_text.clone(),
                e.delta_text.clone(),
                if e.inline {
                    "inline".to_string()
                } else {
                    String::new()
                },
            ]);
            raw_rows.push(vec![e.a, e.b]);
        };
        for e in &p.callers {
            push("caller", e);
        }
        for e in &p.callees {
            push("callee", e);
        }
        Table {
            title_lines: vec![format!(
                "{} (Type: {}): cum A {}, B {}, Δ {}; flat A {}, B {}, Δ {}",
                p.name,
                p.sample_type,
                p.a_cum_text,
                p.b_cum_text,
                p.delta_cum_text,
                p.a_flat_text,
                p.b_flat_text,
                p.delta_flat_text
            )],
            columns: vec!["role", "name", "A", "B", "Δ", "inline"],
            rows,
            raw_columns: owned(&["a_value", "b_value"]),
            raw_rows,
        }
    }
}

impl Table {
    /// MemStats rows; `with_raw` adds the raw numbers as cells (floats included, which the
    /// integer raw columns cannot hold), for CSV.
    pub fn from_memstats(
        c: &crate::memstats::Comparison,
        a_files: &[String],
        b_files: &[String],
        with_raw: bool,
    ) -> Table {
        let raw = |n: Option<crate::memstats::Number>| match n {
            None => String::new(),
            Some(crate::memstats::Number::Int(v)) => v.to_string(),
            Some(crate::memstats::Number::Float(v)) => v.to_string(),
        };
        let mut columns = vec!["name", "A", "B", "Δ"];
        if with_raw {
            columns.extend(["a_value", "b_value", "delta_value"]);
        }
        Table {
            title_lines: text::memstats_header_lines(c, a_files, b_files),
            columns,
            rows: c
                .rows
                .iter()
                .map(|r| {
                    let mut row = vec![
                        r.name.clone(),
                        r.a_text.clone(),
                        r.b_text.clone(),
                        r.delta_text.clone(),
                    ];
                    if with_raw {
                        row.extend([raw(r.a), raw(r.b), raw(r.delta)]);
                    }
                    row
                })
                .collect(),
            raw_columns: Vec::new(),
            raw_rows: vec![Vec::new(); c.rows.len()],
        }
    }
}

fn owned(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

impl Table {
    /// A trend: one row per node with its first, last, Δ, slope, verdict, sparkline and every
    /// snapshot's value; CSV adds the raw values as `value_1` … `value_N`.
    pub fn from_trend(t: &Trend) -> Table {
        Table {
            title_lines: text::trend_header_lines(t),
            columns: vec![
                "name", "first", "last", "Δ", "slope", "verdict", "series", "values",
            ],
            rows: t
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.name.clone(),
                        r.first_text.clone(),
                        r.last_text.clone(),
                        r.delta_text.clone(),
                        r.slope_text.clone(),
                        r.verdict.as_str().to_string(),
                        trend::sparkline(&r.values),
                        r.value_texts.join(" "),
                    ]
                })
                .collect(),
            raw_columns: (1..=t.snapshots.len())
                .map(|i| format!("value_{i}"))
                .collect(),
            raw_rows: t.rows.iter().map(|r| r.values.clone()).collect(),
        }
    }
}

/// GitHub-flavoured Markdown: the title lines as a code block (they are pprof's text), then
/// the table.
pub fn markdown(t: &Table) -> String {
    let mut out = String::new();
    if !t.title_lines.is_empty() {
        out.push_str("```\n");
        for l in &t.title_lines {
            out.push_str(l);
            out.push('\n');
        }
        out.push_str("```\n\n");
    }
    let escape = |s: &str| s.replace('\\', "\\\\").replace('|', "\\|");
    out.push('|');
    for c in &t.columns {
        out.push_str(&format!(" {} |", escape(c)));
    }
    out.push_str("\n|");
    for c in &t.columns {
        let numeric = !matches!(
            *c,
            "name" | "path" | "inline" | "status" | "role" | "verdict" | "series" | "values"
        );
        out.push_str(if numeric { " ---: |" } else { " --- |" });
    }
    out.push('\n');
    for row in &t.rows {
        out.push('|');
        for cell in row {
            // Leading spaces (path indentation) would be eaten by Markdown: use no-break spaces.
            let indent = cell.len() - cell.trim_start_matches(' ').len();
            let cell = format!("{}{}", "\u{a0}".repeat(indent), &cell[indent..]);
            out.push_str(&format!(" {} |", escape(&cell)));
        }
        out.push('\n');
    }
    out
}

/// RFC 4180 CSV: one header line, then the cells and the raw numbers of each row.
pub fn csv(t: &Table) -> String {
    let field = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    let header: Vec<String> = t
        .columns
        .iter()
        .copied()
        .chain(t.raw_columns.iter().map(String::as_str))
        .map(field)
        .collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for (cells, raw) in t.rows.iter().zip(&t.raw_rows) {
        let mut line: Vec<String> = cells.iter().map(|c| field(c)).collect();
        line.extend(raw.iter().map(i64::to_string));
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}
