//! Renderings of computed tables: pprof-exact text, Markdown, CSV and JSON, for `top`,
//! `diff` and `paths`.

pub mod flame;
pub mod html;
pub mod json;
pub mod table;
pub mod text;

/// The output formats of every report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Markdown,
    Csv,
    Json,
}

impl Format {
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "text" => Some(Format::Text),
            "markdown" | "md" => Some(Format::Markdown),
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

use crate::compare::{Comparison, Paths, Peek};
use crate::top::TopTable;
use crate::trend::Trend;

/// A `top` table in `format`.
pub fn top(t: &TopTable, format: Format) -> String {
    match format {
        Format::Text => text::top(t),
        Format::Markdown => table::markdown(&table::Table::from_top(t)),
        Format::Csv => table::csv(&table::Table::from_top(t)),
        Format::Json => json::to_string(&json::TopReport::new(t)),
    }
}

/// A comparison table in `format`; the file lists name each side.
pub fn diff(c: &Comparison, a_files: &[String], b_files: &[String], format: Format) -> String {
    match format {
        Format::Text => text::diff(c, a_files, b_files),
        Format::Markdown => table::markdown(&table::Table::from_diff(c, a_files, b_files)),
        Format::Csv => table::csv(&table::Table::from_diff(c, a_files, b_files)),
        Format::Json => json::to_string(&json::DiffReport::new(c, a_files, b_files)),
    }
}

/// Growth paths in `format`.
pub fn paths(p: &Paths, a_files: &[String], b_files: &[String], format: Format) -> String {
    match format {
        Format::Text => text::paths(p, a_files, b_files),
        Format::Markdown => table::markdown(&table::Table::from_paths(p, a_files, b_files)),
        Format::Csv => table::csv(&table::Table::from_paths(p, a_files, b_files)),
        Format::Json => json::to_string(&json::PathsReport::new(p, a_files, b_files)),
    }
}

/// A function's callers and callees in `format`.
pub fn peek(p: &Peek, format: Format) -> String {
    match format {
        Format::Text => text::peek(p),
        Format::Markdown => table::markdown(&table::Table::from_peek(p)),
        Format::Csv => table::csv(&table::Table::from_peek(p)),
        Format::Json => json::to_string(&json::PeekReport::new(p)),
    }
}

/// MemStats of A and B in `format`.
pub fn memstats(
    c: &crate::memstats::Comparison,
    a_files: &[String],
    b_files: &[String],
    format: Format,
) -> String {
    match format {
        Format::Text => text::memstats(c, a_files, b_files),
        Format::Markdown => {
            table::markdown(&table::Table::from_memstats(c, a_files, b_files, false))
        }
        Format::Csv => table::csv(&table::Table::from_memstats(c, a_files, b_files, true)),
        Format::Json => json::to_string(&json::MemStatsReport::new(c, a_files, b_files)),
    }
}

/// A trend over a series of snapshots in `format`.
pub fn trend(t: &Trend, format: Format) -> String {
    match format {
        Format::Text => text::trend(t),
        Format::Markdown => table::markdown(&table::Table::from_trend(t)),
        Format::Csv => table::csv(&table::Table::from_trend(t)),
        Format::Json => json::to_string(&json::TrendReport::new(t)),
    }
}
