//! pprof-exact text: the header lines and the `top` table as `go tool pprof -top` prints them.

use std::fmt::Write;

use crate::compare::{Comparison, Paths, Side};
use crate::top::{Header, TopTable};
use crate::trend::{self, Order, Trend};
use crate::units;

/// The whole `-top` output: header lines, column titles and one line per row.
pub fn top(table: &TopTable) -> String {
    let mut out = String::new();
    for line in header_lines(table) {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("      flat  flat%   sum%        cum   cum%\n");
    for row in &table.rows {
        let inline = row.inline.as_str();
        let _ = writeln!(
            out,
            "{:>10} {} {} {:>10} {}  {}{}{}",
            row.flat_text,
            row.flat_pct,
            row.sum_pct,
            row.cum_text,
            row.cum_pct,
            row.name,
            if inline.is_empty() { "" } else { " " },
            inline
        );
    }
    out
}

/// pprof's `reportLabels` for a full (non-interactive) report.
pub fn header_lines(table: &TopTable) -> Vec<String> {
    let mut lines = profile_lines(&table.header, table);
    if !table.active_filters.is_empty() {
        lines.push("Active filters:".to_string());
        for f in &table.active_filters {
            lines.push(format!("   {}", truncate_filter(f)));
        }
    }
    let flat_sum = table.flat_sum();
    lines.push(format!(
        "Showing nodes accounting for {}, {} of {} total",
        table.format_value(flat_sum),
        units::percentage(flat_sum, table.total).trim(),
        table.format_value(table.total)
    ));
    if table.total != 0 {
        if table.dropped_nodes > 0 {
            let cutoff = crate::decode::go_f64_to_i64(table.total as f64 * table.node_fraction)
                .wrapping_abs();
            lines.push(format!(
                "Dropped {} {} (cum <= {})",
                table.dropped_nodes,
                if table.dropped_nodes > 1 {
                    "nodes"
                } else {
                    "node"
                },
                table.format_value(cutoff)
            ));
        }
        let shown = table.rows.len();
        if shown > 0 && shown < table.orig_count {
            lines.push(format!(
                "Showing top {shown} nodes out of {}",
                table.orig_count
            ));
        }
    }
    lines
}

/// pprof's `ProfileLabels`: File, Build ID, comments, Type, Doc, Time, Duration.
fn profile_lines(h: &Header, table: &TopTable) -> Vec<String> {
    let mut lines = Vec::new();
    if !h.file.is_empty() {
        lines.push(format!("File: {}", h.file));
    }
    if !h.build_id.is_empty() {
        lines.push(format!("Build ID: {}", h.build_id));
    }
    lines.extend(h.comments.iter().cloned());
    if !h.sample_type.is_empty() {
        lines.push(format!("Type: {}", h.sample_type));
    }
    if !h.doc_url.is_empty() {
        lines.push(format!("Doc: {}", h.doc_url));
    }
    if h.time_nanos != 0 {
        lines.push(format!("Time: {}", format_time(h.time_nanos)));
    }
    if h.duration_nanos != 0 {
        lines.push(duration_line(h.duration_nanos, table));
    }
    lines
}

/// `Duration: 5s, Total samples = 293.50ms ( 5.87%)`; the share of the duration is only
/// printed for time-valued samples, and the space before it stays either way.
fn duration_line(duration_nanos: i64, table: &TopTable) -> String {
    let duration = units::label(duration_nanos, "nanoseconds");
    let (total_nanos, unit) = units::scale(table.total, &table.sample_unit, "nanoseconds");
    let ratio = if unit == "ns" && total_nanos != 0.0 {
        format!(
            "({})",
            units::percentage(total_nanos as i64, duration_nanos)
        )
    } else {
        String::new()
    };
    format!(
        "Duration: {duration}, Total samples = {} {ratio}",
        table.format_value(table.total)
    )
}

/// Filter values over 80 bytes are cut, as pprof cuts them (on a character boundary here).
fn truncate_filter(f: &str) -> String {
    if f.len() <= 80 {
        return f.to_string();
    }
    let mut end = 80;
    while !f.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &f[..end])
}

/// A profile time in current pprof's layout, `2006-01-02 15:04:05 MST`, in UTC.
pub fn format_time(nanos: i64) -> String {
    let secs = nanos.div_euclid(1_000_000_000);
    let days = secs.div_euclid(86_400);
    let in_day = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `profdiff info`: one profile's overview.
pub fn summary(file: &str, s: &crate::summary::Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "File: {file}");
    if !s.main_binary.is_empty() {
        let _ = writeln!(out, "Main binary: {}", s.main_binary);
    }
    if !s.build_id.is_empty() {
        let _ = writeln!(out, "Build ID: {}", s.build_id);
    }
    out.push_str("Sample types:\n");
    for t in &s.sample_types {
        let _ = writeln!(
            out,
            "  {:<28} total {} ({}){}",
            format!("{}/{}", t.ty, t.unit),
            units::label(t.total, &t.unit),
            t.total,
            if t.is_default { "  [default]" } else { "" }
        );
    }
    if !s.period_type.is_empty() || s.period != 0 {
        let _ = writeln!(
            out,
            "Period: {} {}/{} ({})",
            s.period,
            s.period_type,
            s.period_unit,
            units::label(s.period, &s.period_unit)
        );
    }
    if s.time_nanos != 0 {
        let _ = writeln!(out, "Time: {}", format_time(s.time_nanos));
    }
    if s.duration_nanos != 0 {
        let _ = writeln!(
            out,
            "Duration: {}",
            units::label(s.duration_nanos, "nanoseconds")
        );
    }
    if !s.doc_url.is_empty() {
        let _ = writeln!(out, "Doc: {}", s.doc_url);
    }
    for c in &s.comments {
        let _ = writeln!(out, "Comment: {c}");
    }
    let _ = writeln!(out, "Samples: {}", s.n_samples);
    let _ = writeln!(out, "Locations: {}", s.n_locations);
    let _ = writeln!(out, "Functions: {}", s.n_functions);
    let _ = writeln!(out, "Mappings: {}", s.n_mappings);
    if s.label_keys.is_empty() {
        out.push_str("Label keys: none\n");
    } else {
        out.push_str("Label keys:\n");
        for k in &s.label_keys {
            if k.numeric && k.values.is_empty() {
                let _ = writeln!(out, "  {} (numeric)", k.key);
            } else {
                let more = if k.values.len() >= crate::summary::MAX_LABEL_VALUES {
                    ", …"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "  {}{}: {}{more}",
                    k.key,
                    if k.numeric {
                        " (numeric and string)"
                    } else {
                        ""
                    },
                    k.values.join(", ")
                );
            }
        }
    }
    if let Some(m) = &s.memstats {
        memstats_lines(&mut out, m);
    }
    out
}

/// `runtime.MemStats` for `profdiff info`: every field in print order, bytes also scaled.
fn memstats_lines(out: &mut String, m: &crate::memstats::MemStats) {
    use crate::memstats::{Kind, MemValue, Number, cell, kind_of};
    out.push_str("runtime.MemStats:\n");
    for f in &m.fields {
        let value = match &f.value {
            MemValue::Int(n) => match kind_of(&f.name) {
                Kind::Bytes | Kind::Timestamp if *n != 0 => {
                    format!(
                        "{n} ({})",
                        cell(Some(Number::Int(*n)), kind_of(&f.name), false)
                    )
                }
                _ => n.to_string(),
            },
            MemValue::Float(x) => x.to_string(),
            MemValue::Bool(b) => b.to_string(),
            MemValue::List(items) => format!("[{} values]", items.len()),
        };
        let _ = writeln!(out, "  {:<14} {value}", f.name);
    }
}

/// The lines above the comparison table: each side's files, type, time and total, Δtotal.
pub fn diff_header_lines(c: &Comparison, a_files: &[String], b_files: &[String]) -> Vec<String> {
    let mut lines = side_lines(&c.a, &c.b, a_files, b_files, &c.sample_type);
    if let (Some(a), Some(b)) = (&c.a.memstats, &c.b.memstats) {
        lines.push(format!("A MemStats: {}", crate::memstats::key_line(a)));
        lines.push(format!("B MemStats: {}", crate::memstats::key_line(b)));
    }
    push_change_lines(
        &mut lines,
        &c.delta_total_text,
        &c.delta_total_pct_text,
        c.normalized,
        &c.active_filters,
    );
    lines.push(format!(
        "Showing {} of {} rows{}",
        c.rows.len(),
        c.orig_count + c.dropped_rows,
        if c.dropped_rows > 0 {
            format!(
                "; dropped {} with cum below the node fraction on both sides",
                c.dropped_rows
            )
        } else {
            String::new()
        }
    ));
    lines
}

fn side_lines(
    a: &Side,
    b: &Side,
    a_files: &[String],
    b_files: &[String],
    sample_type: &str,
) -> Vec<String> {
    let describe = |tag: &str, s: &Side, files: &[String]| {
        let mut line = format!("{tag}: {}", files.join(" "));
        line.push_str(&format!(" (Type: {sample_type}"));
        if s.header.time_nanos != 0 {
            line.push_str(&format!(", Time: {}", format_time(s.header.time_nanos)));
        }
        if s.header.duration_nanos != 0 {
            line.push_str(&format!(
                ", Duration: {}",
                units::label(s.header.duration_nanos, "nanoseconds")
            ));
        }
        line.push_str(&format!(", Total: {})", s.total_text));
        line
    };
    vec![describe("A", a, a_files), describe("B", b, b_files)]
}

/// The lines every A/B report has after the two sides: Δtotal, normalization, filters.
fn push_change_lines(
    lines: &mut Vec<String>,
    delta_total_text: &str,
    delta_total_pct_text: &str,
    normalized: bool,
    filters: &[String],
) {
    lines.push(format!(
        "Δtotal: {delta_total_text} ({delta_total_pct_text})"
    ));
    if normalized {
        lines.push("A was scaled to B's total before comparing (--normalize)".to_string());
    }
    if !filters.is_empty() {
        lines.push("Active filters (both sides):".to_string());
        for f in filters {
            lines.push(format!("   {}", truncate_filter(f)));
        }
    }
}

/// `profdiff diff`: the header lines and one aligned row per node.
pub fn diff(c: &Comparison, a_files: &[String], b_files: &[String]) -> String {
    let mut out = String::new();
    for line in diff_header_lines(c, a_files, b_files) {
        out.push_str(&line);
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{:>10} {:>10} {:>11} {:>9} {:>10} {:>10} {:>11}  {:<6}  name",
        "A flat", "B flat", "Δflat", "Δ%", "A cum", "B cum", "Δcum", "status"
    );
    for r in &c.rows {
        let _ = writeln!(
            out,
            "{:>10} {:>10} {:>11} {:>9} {:>10} {:>10} {:>11}  {:<6}  {}",
            r.a_flat_text,
            r.b_flat_text,
            r.delta_flat_text,
            r.delta_pct_text,
            r.a_cum_text,
            r.b_cum_text,
            r.delta_cum_text,
            r.status.as_str(),
            r.name
        );
    }
    out
}

/// The lines above the growth paths.
pub fn paths_header_lines(p: &Paths, a_files: &[String], b_files: &[String]) -> Vec<String> {
    let mut lines = side_lines(&p.a, &p.b, a_files, b_files, &p.sample_type);
    push_change_lines(
        &mut lines,
        &p.delta_total_text,
        &p.delta_total_pct_text,
        p.normalized,
        &p.active_filters,
    );
    let ranked = p.nodes.iter().filter(|n| n.rank.is_some()).count();
    lines.push(format!(
        "Top {ranked} call paths by the change of the samples ending on them; shared prefixes folded, #N marks the end of path N"
    ));
    lines
}

/// `profdiff paths`: the folded tree of the top paths, one frame per line.
pub fn paths(p: &Paths, a_files: &[String], b_files: &[String]) -> String {
    let mut out = String::new();
    for line in paths_header_lines(p, a_files, b_files) {
        out.push_str(&line);
        out.push('\n');
    }
    let _ = writeln!(out, "{:>11} {:>10} {:>10}  path", "Δ", "A", "B");
    for n in &p.nodes {
        let rank = n.rank.map(|r| format!("  #{r}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "{:>11} {:>10} {:>10}  {}{}{}",
            n.delta_text,
            n.a_text,
            n.b_text,
            "  ".repeat(n.depth),
            n.name,
            rank
        );
    }
    out
}

/// `profdiff peek`: a function's callers above it and callees below it, with A, B and Δ.
pub fn peek(p: &crate::compare::Peek) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Callers and callees of {} (Type: {})",
        p.name, p.sample_type
    );
    let _ = writeln!(out, "{:>11} {:>10} {:>10}  ", "Δ", "A", "B");
    let edge = |out: &mut String, e: &crate::compare::PeekEdge, arrow: &str| {
        let _ = writeln!(
            out,
            "{:>11} {:>10} {:>10}  {arrow} {}{}",
            e.delta_text,
            e.a_text,
            e.b_text,
            e.name,
            if e.inline { " (inline)" } else { "" }
        );
    };
    for e in &p.callers {
        edge(&mut out, e, "  caller");
    }
    let _ = writeln!(
        out,
        "{:>11} {:>10} {:>10}  | {} (cum; flat A {}, B {}, Δ {})",
        p.delta_cum_text,
        p.a_cum_text,
        p.b_cum_text,
        p.name,
        p.a_flat_text,
        p.b_flat_text,
        p.delta_flat_text
    );
    for e in &p.callees {
        edge(&mut out, e, "  callee");
    }
    out
}

/// The lines above the MemStats table: each side's files.
pub fn memstats_header_lines(
    c: &crate::memstats::Comparison,
    a_files: &[String],
    b_files: &[String],
) -> Vec<String> {
    let side = |tag: &str, files: &[String], p: &Option<crate::memstats::Picture>| {
        let mut line = format!("{tag}: {}", files.join(" "));
        match p {
            None => line.push_str(" (no runtime.MemStats)"),
            Some(p) => {
                if let Some(share) = p.profile_share_text() {
                    line.push_str(&format!(
                        " (heap profile inuse_space {} = {share} of HeapAlloc)",
                        units::label(p.profile_inuse.unwrap_or(0), "bytes")
                    ));
                }
            }
        }
        line
    };
    vec![side("A", a_files, &c.a), side("B", b_files, &c.b)]
}

/// `profdiff memstats`: each field of A and B with Δ, then where Sys went on each side.
pub fn memstats(c: &crate::memstats::Comparison, a_files: &[String], b_files: &[String]) -> String {
    let mut out = String::new();
    for line in memstats_header_lines(c, a_files, b_files) {
        out.push_str(&line);
        out.push('\n');
    }
    let _ = writeln!(out, "{:<14} {:>24} {:>24} {:>14}", "field", "A", "B", "Δ");
    for r in &c.rows {
        let _ = writeln!(
            out,
            "{:<14} {:>24} {:>24} {:>14}",
            r.name, r.a_text, r.b_text, r.delta_text
        );
    }
    // The parts' labels are the same on both sides; take them from whichever side has some.
    let labels = c.a.as_ref().or(c.b.as_ref()).map(|p| &p.parts);
    if let Some(labels) = labels {
        out.push_str("\nSys by part:\n");
        let cell = |p: &Option<crate::memstats::Picture>, i: usize| {
            p.as_ref()
                .map_or("-".to_string(), |p| units::label(p.parts[i].bytes, "bytes"))
        };
        for (i, part) in labels.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {:<24} {:>10} {:>10}",
                part.label,
                cell(&c.a, i),
                cell(&c.b, i)
            );
        }
    }
    out
}

/// The lines above a trend table: the snapshots with their times and totals, the totals'
/// sparkline and change, and the rule the verdicts follow.
pub fn trend_header_lines(t: &Trend) -> Vec<String> {
    let mut lines = vec![
        format!("Type: {}", t.sample_type),
        format!(
            "Series: {} snapshots, {}",
            t.snapshots.len(),
            match t.order {
                Order::Time if t.snapshots.iter().all(|s| s.header.time_nanos != 0) =>
                    "ordered by profile time",
                Order::Time => "in the given order (a profile has no time)",
                Order::Args => "in the given order (--order=args)",
            }
        ),
    ];
    let width = t
        .total_texts
        .iter()
        .map(|s| s.len())
        .max()
        .unwrap_or(0)
        .max(5);
    lines.push(format!(
        "{:>4}  {:<23}  {:>width$}  file",
        "#", "time", "total"
    ));
    for (i, (s, total)) in t.snapshots.iter().zip(&t.total_texts).enumerate() {
        let time = if s.header.time_nanos != 0 {
            format_time(s.header.time_nanos)
        } else {
            "-".to_string()
        };
        lines.push(format!(
            "{:>4}  {time:<23}  {total:>width$}  {}",
            i + 1,
            s.file
        ));
    }
    let totals: Vec<i64> = t.snapshots.iter().map(|s| s.total).collect();
    lines.push(format!(
        "Totals: {} {} → {} ({}, {})",
        trend::sparkline(&totals),
        t.total_texts.first().map_or("", String::as_str),
        t.total_texts.last().map_or("", String::as_str),
        t.delta_total_text,
        t.delta_total_pct_text
    ));
    if t.normalized {
        lines.push(
            "Every snapshot was scaled to the last one's total first (--normalize)".to_string(),
        );
    }
    if !t.active_filters.is_empty() {
        lines.push("Active filters (every snapshot):".to_string());
        for f in &t.active_filters {
            lines.push(format!("   {}", truncate_filter(f)));
        }
    }
    lines.push(format!(
        "Verdicts on {}: GROWING when Δ > {} (noise floor, {}% of the largest total) and Mann-Kendall τ ≥ {}; SHRINKING likewise downwards; STEADY when all values lie within the floor; NOISY otherwise",
        t.key,
        t.noise_floor_text,
        t.noise_floor_share * 100.0,
        trend::TAU_THRESHOLD
    ));
    lines.push(format!(
        "Showing {} of {} rows{}",
        t.rows.len(),
        t.orig_count + t.dropped_rows,
        if t.dropped_rows > 0 {
            format!(
                "; dropped {} whose cum stays below the node fraction",
                t.dropped_rows
            )
        } else {
            String::new()
        }
    ));
    lines
}

/// `profdiff trend`: the header lines and one aligned row per node, ranked by growth.
pub fn trend(t: &Trend) -> String {
    let mut out = String::new();
    for line in trend_header_lines(t) {
        out.push_str(&line);
        out.push('\n');
    }
    let spark_width = t.snapshots.len().max(6);
    let _ = writeln!(
        out,
        "{:>10} {:>10} {:>11} {:>15}  {:<9}  {:<spark_width$}  name",
        "first", "last", "Δ", "slope", "verdict", "series"
    );
    for r in &t.rows {
        let _ = writeln!(
            out,
            "{:>10} {:>10} {:>11} {:>15}  {:<9}  {:<spark_width$}  {}",
            r.first_text,
            r.last_text,
            r.delta_text,
            r.slope_text,
            r.verdict.as_str(),
            trend::sparkline(&r.values),
            r.name
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_use_current_pprof_layout_in_utc() {
        assert_eq!(
            format_time(1_700_000_000_000_000_000),
            "2023-11-14 22:13:20 UTC"
        );
        assert_eq!(format_time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_time(-1), "1969-12-31 23:59:59 UTC");
        assert_eq!(
            format_time(951_782_400_000_000_000),
            "2000-02-29 00:00:00 UTC"
        );
    }
}
