//! The JSON shape of every report: what `--format=json` prints and what the page receives.
//! These are the crate's only serializable types. Raw numbers sit next to the strings the text
//! report prints, so a consumer can sort by the numbers and show the strings without computing
//! anything. Field names are camelCase; any change to them bumps `SCHEMA_VERSION`.

use serde::Serialize;

use crate::compare::{Comparison, DiffRow, PathNode, Paths, Side};
use crate::profile::Profile;
use crate::report::text;
use crate::summary::Summary;
use crate::top::{Header, Row, TopTable};
use crate::trend::{self, Trend, TrendRow};

/// Version of the JSON shape.
pub const SCHEMA_VERSION: u32 = 1;

/// Pretty-printed JSON with a trailing newline.
pub fn to_string<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("report types always serialize");
    s.push('\n');
    s
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct HeaderDto {
    pub file: String,
    pub build_id: String,
    pub comments: Vec<String>,
    pub sample_type: String,
    pub doc_url: String,
    /// Nanoseconds since the epoch, 0 when unknown.
    pub time_nanos: i64,
    /// `2006-01-02 15:04:05 UTC`, or "" when unknown.
    pub time: String,
    pub duration_nanos: i64,
    /// Auto-scaled, e.g. `5s`, or "".
    pub duration: String,
}

impl HeaderDto {
    fn new(h: &Header) -> HeaderDto {
        HeaderDto {
            file: h.file.clone(),
            build_id: h.build_id.clone(),
            comments: h.comments.clone(),
            sample_type: h.sample_type.clone(),
            doc_url: h.doc_url.clone(),
            time_nanos: h.time_nanos,
            time: time_text(h.time_nanos),
            duration_nanos: h.duration_nanos,
            duration: duration_text(h.duration_nanos),
        }
    }
}

/// One `top` row: raw values and pprof's cells.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TopRowDto {
    pub name: String,
    /// `(inline)`, `(partial-inline)` or "".
    pub inline: String,
    pub flat: i64,
    pub cum: i64,
    pub flat_text: String,
    pub flat_pct: String,
    pub sum_pct: String,
    pub cum_text: String,
    pub cum_pct: String,
}

impl TopRowDto {
    fn new(r: &Row) -> TopRowDto {
        TopRowDto {
            name: r.name.clone(),
            inline: r.inline.as_str().to_string(),
            flat: r.flat,
            cum: r.cum,
            flat_text: r.flat_text.clone(),
            flat_pct: r.flat_pct.trim().to_string(),
            sum_pct: r.sum_pct.trim().to_string(),
            cum_text: r.cum_text.clone(),
            cum_pct: r.cum_pct.trim().to_string(),
        }
    }
}

/// `profdiff top --format=json`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TopReport {
    pub schema_version: u32,
    pub kind: &'static str,
    pub header: HeaderDto,
    /// pprof's header lines, exactly as the text report prints them.
    pub lines: Vec<String>,
    pub sample_unit: String,
    pub output_unit: String,
    pub total: i64,
    pub total_text: String,
    pub rows: Vec<TopRowDto>,
    pub active_filters: Vec<String>,
    pub warnings: Vec<String>,
    /// The whole text report, as `profdiff top` prints it.
    pub text: String,
}

impl TopReport {
    pub fn new(t: &TopTable) -> TopReport {
        TopReport {
            schema_version: SCHEMA_VERSION,
            kind: "top",
            header: HeaderDto::new(&t.header),
            lines: text::header_lines(t),
            sample_unit: t.sample_unit.clone(),
            output_unit: t.output_unit.clone(),
            total: t.total,
            total_text: t.format_value(t.total),
            rows: t.rows.iter().map(TopRowDto::new).collect(),
            active_filters: t.active_filters.clone(),
            warnings: t.warnings.clone(),
            text: text::top(t),
        }
    }
}

/// One side of a comparison.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SideDto {
    pub files: Vec<String>,
    pub header: HeaderDto,
    pub total: i64,
    pub total_text: String,
}

impl SideDto {
    fn new(s: &Side, files: &[String]) -> SideDto {
        SideDto {
            files: files.to_vec(),
            header: HeaderDto::new(&s.header),
            total: s.total,
            total_text: s.total_text.clone(),
        }
    }
}

/// One comparison row.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DiffRowDto {
    pub name: String,
    pub a_flat: i64,
    pub b_flat: i64,
    pub delta_flat: i64,
    pub a_cum: i64,
    pub b_cum: i64,
    pub delta_cum: i64,
    /// Δflat relative to A's flat in percent, for sorting; null when A's flat is 0.
    pub delta_pct: Option<f64>,
    /// `GREW`, `SHRANK`, `NEW` (only in B), `GONE` (only in A) or `SAME`.
    pub status: &'static str,
    pub a_flat_text: String,
    pub b_flat_text: String,
    pub delta_flat_text: String,
    pub delta_pct_text: String,
    pub a_cum_text: String,
    pub b_cum_text: String,
    pub delta_cum_text: String,
}

impl DiffRowDto {
    fn new(r: &DiffRow) -> DiffRowDto {
        DiffRowDto {
            name: r.name.clone(),
            a_flat: r.a_flat,
            b_flat: r.b_flat,
            delta_flat: r.delta_flat(),
            a_cum: r.a_cum,
            b_cum: r.b_cum,
            delta_cum: r.delta_cum(),
            delta_pct: (r.a_flat != 0)
                .then(|| r.delta_flat() as f64 / r.a_flat.unsigned_abs() as f64 * 100.0),
            status: r.status.as_str(),
            a_flat_text: r.a_flat_text.clone(),
            b_flat_text: r.b_flat_text.clone(),
            delta_flat_text: r.delta_flat_text.clone(),
            delta_pct_text: r.delta_pct_text.clone(),
            a_cum_text: r.a_cum_text.clone(),
            b_cum_text: r.b_cum_text.clone(),
            delta_cum_text: r.delta_cum_text.clone(),
        }
    }
}

/// `profdiff diff --format=json`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DiffReport {
    pub schema_version: u32,
    pub kind: &'static str,
    pub a: SideDto,
    pub b: SideDto,
    pub sample_type: String,
    pub sample_unit: String,
    pub output_unit: String,
    pub delta_total: i64,
    pub delta_total_text: String,
    pub delta_total_pct_text: String,
    pub normalized: bool,
    pub lines: Vec<String>,
    pub rows: Vec<DiffRowDto>,
    pub dropped_rows: usize,
    pub active_filters: Vec<String>,
    pub warnings: Vec<String>,
    pub text: String,
}

impl DiffReport {
    pub fn new(c: &Comparison, a_files: &[String], b_files: &[String]) -> DiffReport {
        DiffReport {
            schema_version: SCHEMA_VERSION,
            kind: "diff",
            a: SideDto::new(&c.a, a_files),
            b: SideDto::new(&c.b, b_files),
            sample_type: c.sample_type.clone(),
            sample_unit: c.sample_unit.clone(),
            output_unit: c.output_unit.clone(),
            delta_total: c.delta_total,
            delta_total_text: c.delta_total_text.clone(),
            delta_total_pct_text: c.delta_total_pct_text.clone(),
            normalized: c.normalized,
            lines: text::diff_header_lines(c, a_files, b_files),
            rows: c.rows.iter().map(DiffRowDto::new).collect(),
            dropped_rows: c.dropped_rows,
            active_filters: c.active_filters.clone(),
            warnings: c.warnings.clone(),
            text: text::diff(c, a_files, b_files),
        }
    }
}

/// One line of the folded path tree.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PathNodeDto {
    pub name: String,
    pub depth: usize,
    pub a: i64,
    pub b: i64,
    pub delta: i64,
    pub a_text: String,
    pub b_text: String,
    pub delta_text: String,
    /// 1-based rank when a ranked path ends here.
    pub rank: Option<usize>,
}

impl PathNodeDto {
    fn new(n: &PathNode) -> PathNodeDto {
        PathNodeDto {
            name: n.name.clone(),
            depth: n.depth,
            a: n.a,
            b: n.b,
            delta: n.delta(),
            a_text: n.a_text.clone(),
            b_text: n.b_text.clone(),
            delta_text: n.delta_text.clone(),
            rank: n.rank,
        }
    }
}

/// `profdiff paths --format=json`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PathsReport {
    pub schema_version: u32,
    pub kind: &'static str,
    pub a: SideDto,
    pub b: SideDto,
    pub sample_type: String,
    pub output_unit: String,
    pub delta_total_text: String,
    pub delta_total_pct_text: String,
    pub normalized: bool,
    pub lines: Vec<String>,
    /// Depth-first; a node's children follow it with `depth + 1`.
    pub nodes: Vec<PathNodeDto>,
    pub active_filters: Vec<String>,
    pub warnings: Vec<String>,
    pub text: String,
}

impl PathsReport {
    pub fn new(p: &Paths, a_files: &[String], b_files: &[String]) -> PathsReport {
        PathsReport {
            schema_version: SCHEMA_VERSION,
            kind: "paths",
            a: SideDto::new(&p.a, a_files),
            b: SideDto::new(&p.b, b_files),
            sample_type: p.sample_type.clone(),
            output_unit: p.output_unit.clone(),
            delta_total_text: p.delta_total_text.clone(),
            delta_total_pct_text: p.delta_total_pct_text.clone(),
            normalized: p.normalized,
            lines: text::paths_header_lines(p, a_files, b_files),
            nodes: p.nodes.iter().map(PathNodeDto::new).collect(),
            active_filters: p.active_filters.clone(),
            warnings: p.warnings.clone(),
            text: text::paths(p, a_files, b_files),
        }
    }
}

/// A sample type of one file, with Σ|value|.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SampleTypeDto {
    #[serde(rename = "type")]
    pub ty: String,
    pub unit: String,
    pub total: i64,
    pub total_text: String,
    pub is_default: bool,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LabelKeyDto {
    pub key: String,
    pub numeric: bool,
    pub values: Vec<String>,
}

/// Both slots' summaries (null for an empty slot), after a pair load or a swap.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct SlotPair {
    pub a: Option<SlotSummary>,
    pub b: Option<SlotSummary>,
}

/// What one file of a slot holds.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FileSummary {
    pub file: String,
    pub sample_types: Vec<SampleTypeDto>,
    pub period_type: String,
    pub period_unit: String,
    pub period: i64,
    /// The period auto-scaled in its unit, e.g. `512kB` or `10ms` ("" without a period).
    pub period_text: String,
    pub time_nanos: i64,
    pub time: String,
    pub duration_nanos: i64,
    pub duration: String,
    pub n_samples: usize,
    pub n_locations: usize,
    pub n_functions: usize,
    pub n_mappings: usize,
    pub label_keys: Vec<LabelKeyDto>,
}

/// A loaded slot of the page: its files and the merged profile's types, time and total.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SlotSummary {
    pub slot: String,
    pub files: Vec<String>,
    pub profiles: Vec<FileSummary>,
    /// The merged slot's sample type names, in order.
    pub sample_types: Vec<String>,
    pub default_sample_type: String,
    pub time_nanos: i64,
    pub time: String,
    pub duration_nanos: i64,
    pub duration: String,
    /// Σ|value| of the default type, and formatted.
    pub total: i64,
    pub total_text: String,
}

impl SlotSummary {
    pub fn new(
        slot: &str,
        files: &[String],
        summaries: &[Summary],
        merged: &Profile,
    ) -> SlotSummary {
        let merged_summary = Summary::of(merged);
        let default = merged_summary.sample_types.iter().find(|t| t.is_default);
        SlotSummary {
            slot: slot.to_string(),
            files: files.to_vec(),
            profiles: files
                .iter()
                .zip(summaries)
                .map(|(f, s)| FileSummary::new(f, s))
                .collect(),
            sample_types: merged_summary
                .sample_types
                .iter()
                .map(|t| t.ty.clone())
                .collect(),
            default_sample_type: default.map(|t| t.ty.clone()).unwrap_or_default(),
            time_nanos: merged.time_nanos,
            time: time_text(merged.time_nanos),
            duration_nanos: merged.duration_nanos,
            duration: duration_text(merged.duration_nanos),
            total: default.map_or(0, |t| t.total),
            total_text: default.map_or(String::new(), |t| crate::units::label(t.total, &t.unit)),
        }
    }
}

impl FileSummary {
    fn new(file: &str, s: &Summary) -> FileSummary {
        FileSummary {
            file: file.to_string(),
            sample_types: s
                .sample_types
                .iter()
                .map(|t| SampleTypeDto {
                    ty: t.ty.clone(),
                    unit: t.unit.clone(),
                    total: t.total,
                    total_text: crate::units::label(t.total, &t.unit),
                    is_default: t.is_default,
                })
                .collect(),
            period_type: s.period_type.clone(),
            period_unit: s.period_unit.clone(),
            period: s.period,
            period_text: if s.period != 0 {
                crate::units::label(s.period, &s.period_unit)
            } else {
                String::new()
            },
            time_nanos: s.time_nanos,
            time: time_text(s.time_nanos),
            duration_nanos: s.duration_nanos,
            duration: duration_text(s.duration_nanos),
            n_samples: s.n_samples,
            n_locations: s.n_locations,
            n_functions: s.n_functions,
            n_mappings: s.n_mappings,
            label_keys: s
                .label_keys
                .iter()
                .map(|k| LabelKeyDto {
                    key: k.key.clone(),
                    numeric: k.numeric,
                    values: k.values.clone(),
                })
                .collect(),
        }
    }
}

fn time_text(nanos: i64) -> String {
    if nanos != 0 {
        text::format_time(nanos)
    } else {
        String::new()
    }
}

fn duration_text(nanos: i64) -> String {
    if nanos != 0 {
        crate::units::label(nanos, "nanoseconds")
    } else {
        String::new()
    }
}

/// One caller or callee edge.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PeekEdgeDto {
    pub name: String,
    pub a: i64,
    pub b: i64,
    pub delta: i64,
    pub a_text: String,
    pub b_text: String,
    pub delta_text: String,
    pub inline: bool,
}

/// `profdiff peek --format=json`: a function's callers and callees in A and B.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PeekReport {
    pub schema_version: u32,
    pub kind: &'static str,
    pub name: String,
    pub sample_type: String,
    pub output_unit: String,
    pub has_a: bool,
    pub has_b: bool,
    pub a_flat: i64,
    pub b_flat: i64,
    pub a_cum: i64,
    pub b_cum: i64,
    pub a_flat_text: String,
    pub b_flat_text: String,
    pub delta_flat_text: String,
    pub a_cum_text: String,
    pub b_cum_text: String,
    pub delta_cum_text: String,
    pub callers: Vec<PeekEdgeDto>,
    pub callees: Vec<PeekEdgeDto>,
    pub text: String,
}

impl PeekReport {
    pub fn new(p: &crate::compare::Peek) -> PeekReport {
        let edges = |list: &[crate::compare::PeekEdge]| {
            list.iter()
                .map(|e| PeekEdgeDto {
                    name: e.name.clone(),
                    a: e.a,
                    b: e.b,
                    delta: e.b.wrapping_sub(e.a),
                    a_text: e.a_text.clone(),
                    b_text: e.b_text.clone(),
                    delta_text: e.delta_text.clone(),
                    inline: e.inline,
                })
                .collect()
        };
        PeekReport {
            schema_version: SCHEMA_VERSION,
            kind: "peek",
            name: p.name.clone(),
            sample_type: p.sample_type.clone(),
            output_unit: p.output_unit.clone(),
            has_a: p.has_a,
            has_b: p.has_b,
            a_flat: p.a_flat,
            b_flat: p.b_flat,
            a_cum: p.a_cum,
            b_cum: p.b_cum,
            a_flat_text: p.a_flat_text.clone(),
            b_flat_text: p.b_flat_text.clone(),
            delta_flat_text: p.delta_flat_text.clone(),
            a_cum_text: p.a_cum_text.clone(),
            b_cum_text: p.b_cum_text.clone(),
            delta_cum_text: p.delta_cum_text.clone(),
            callers: edges(&p.callers),
            callees: edges(&p.callees),
            text: text::peek(p),
        }
    }
}

/// One MemStats field of A against B: raw numbers (null where a side lacks the field) and
/// the cells the text report prints.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MemStatsRowDto {
    pub name: String,
    pub a: Option<crate::memstats::Number>,
    pub b: Option<crate::memstats::Number>,
    pub delta: Option<crate::memstats::Number>,
    pub a_text: String,
    pub b_text: String,
    pub delta_text: String,
}

/// One part of a side's memory.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MemPartDto {
    pub key: String,
    pub label: String,
    pub bytes: i64,
    pub bytes_text: String,
}

/// One side's memory picture.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MemPictureDto {
    pub files: Vec<String>,
    pub parts: Vec<MemPartDto>,
    pub sys: Option<i64>,
    pub sys_text: String,
    pub max_rss: Option<i64>,
    pub max_rss_text: String,
    pub heap_alloc: Option<i64>,
    pub heap_alloc_text: String,
    /// Σ inuse_space of the heap profile, and its share of HeapAlloc.
    pub profile_inuse: Option<i64>,
    pub profile_inuse_text: String,
    pub profile_share_text: String,
}

/// `profdiff memstats` and the page's Memory view.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MemStatsReport {
    pub schema_version: u32,
    pub kind: &'static str,
    /// Null for a side without MemStats.
    pub a: Option<MemPictureDto>,
    pub b: Option<MemPictureDto>,
    pub rows: Vec<MemStatsRowDto>,
    /// What each part of the bars is, in a sentence.
    pub notes: Vec<MemNoteDto>,
    pub text: String,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct MemNoteDto {
    pub key: &'static str,
    pub text: &'static str,
}

impl MemStatsReport {
    pub fn new(
        c: &crate::memstats::Comparison,
        a_files: &[String],
        b_files: &[String],
    ) -> MemStatsReport {
        let bytes = |v: Option<i64>| v.map_or(String::new(), |n| crate::units::label(n, "bytes"));
        let picture = |p: &crate::memstats::Picture, files: &[String]| MemPictureDto {
            files: files.to_vec(),
            parts: p
                .parts
                .iter()
                .map(|x| MemPartDto {
                    key: x.key.to_string(),
                    label: x.label.to_string(),
                    bytes: x.bytes,
                    bytes_text: crate::units::label(x.bytes, "bytes"),
                })
                .collect(),
            sys: p.sys,
            sys_text: bytes(p.sys),
            max_rss: p.max_rss,
            max_rss_text: bytes(p.max_rss),
            heap_alloc: p.heap_alloc,
            heap_alloc_text: bytes(p.heap_alloc),
            profile_inuse: p.profile_inuse,
            profile_inuse_text: bytes(p.profile_inuse),
            profile_share_text: p.profile_share_text().unwrap_or_default(),
        };
        MemStatsReport {
            schema_version: SCHEMA_VERSION,
            kind: "memstats",
            a: c.a.as_ref().map(|p| picture(p, a_files)),
            b: c.b.as_ref().map(|p| picture(p, b_files)),
            rows: c
                .rows
                .iter()
                .map(|r| MemStatsRowDto {
                    name: r.name.clone(),
                    a: r.a,
                    b: r.b,
                    delta: r.delta,
                    a_text: r.a_text.clone(),
                    b_text: r.b_text.clone(),
                    delta_text: r.delta_text.clone(),
                })
                .collect(),
            notes: crate::memstats::PART_NOTES
                .iter()
                .map(|&(key, text)| MemNoteDto { key, text })
                .collect(),
            text: text::memstats(c, a_files, b_files),
        }
    }
}

/// One snapshot of a series.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotDto {
    pub file: String,
    pub time_nanos: i64,
    /// `2006-01-02 15:04:05 UTC`, or "" when unknown.
    pub time: String,
    pub total: i64,
    pub total_text: String,
    pub header: HeaderDto,
}

/// One trend row.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TrendRowDto {
    pub name: String,
    /// The raw values the row is judged by (flat, or cum with `key: "cum"`), one per snapshot.
    pub values: Vec<i64>,
    pub flat: Vec<i64>,
    pub cum: Vec<i64>,
    pub first: i64,
    pub last: i64,
    /// Last minus first.
    pub delta: i64,
    /// Least-squares slope in sample units per `slopeUnit`.
    pub slope: f64,
    /// Mann–Kendall τ.
    pub tau: f64,
    /// `GROWING`, `SHRINKING`, `STEADY` or `NOISY`.
    pub verdict: &'static str,
    pub first_text: String,
    pub last_text: String,
    pub delta_text: String,
    pub slope_text: String,
    pub value_texts: Vec<String>,
    /// The values as Unicode blocks, as the text report prints them.
    pub sparkline: String,
}

impl TrendRowDto {
    fn new(r: &TrendRow) -> TrendRowDto {
        TrendRowDto {
            name: r.name.clone(),
            values: r.values.clone(),
            flat: r.flat.clone(),
            cum: r.cum.clone(),
            first: r.values[0],
            last: r.values[r.values.len() - 1],
            delta: r.delta,
            slope: r.slope,
            tau: r.tau,
            verdict: r.verdict.as_str(),
            first_text: r.first_text.clone(),
            last_text: r.last_text.clone(),
            delta_text: r.delta_text.clone(),
            slope_text: r.slope_text.clone(),
            value_texts: r.value_texts.clone(),
            sparkline: trend::sparkline(&r.values),
        }
    }
}

/// `profdiff trend --format=json`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TrendReport {
    pub schema_version: u32,
    pub kind: &'static str,
    /// In series order.
    pub snapshots: Vec<SnapshotDto>,
    pub sample_type: String,
    pub sample_unit: String,
    pub output_unit: String,
    /// `hour` or `snapshot`: what the slopes are per.
    pub slope_unit: &'static str,
    /// `flat` or `cum`: which value rows are judged and ranked by.
    pub key: &'static str,
    pub delta_total: i64,
    pub delta_total_text: String,
    pub delta_total_pct_text: String,
    pub totals_sparkline: String,
    pub noise_floor: i64,
    pub noise_floor_text: String,
    pub normalized: bool,
    pub lines: Vec<String>,
    /// Ranked by growth: GROWING first, then by Δ descending.
    pub rows: Vec<TrendRowDto>,
    pub dropped_rows: usize,
    pub active_filters: Vec<String>,
    pub warnings: Vec<String>,
    pub text: String,
}

impl TrendReport {
    pub fn new(t: &Trend) -> TrendReport {
        let totals: Vec<i64> = t.snapshots.iter().map(|s| s.total).collect();
        TrendReport {
            schema_version: SCHEMA_VERSION,
            kind: "trend",
            snapshots: t
                .snapshots
                .iter()
                .zip(&t.total_texts)
                .map(|(s, total_text)| SnapshotDto {
                    file: s.file.clone(),
                    time_nanos: s.header.time_nanos,
                    time: time_text(s.header.time_nanos),
                    total: s.total,
                    total_text: total_text.clone(),
                    header: HeaderDto::new(&s.header),
                })
                .collect(),
            sample_type: t.sample_type.clone(),
            sample_unit: t.sample_unit.clone(),
            output_unit: t.output_unit.clone(),
            slope_unit: match t.slope_unit {
                trend::SlopeUnit::PerHour => "hour",
                trend::SlopeUnit::PerSnapshot => "snapshot",
            },
            key: t.key,
            delta_total: t.delta_total,
            delta_total_text: t.delta_total_text.clone(),
            delta_total_pct_text: t.delta_total_pct_text.clone(),
            totals_sparkline: trend::sparkline(&totals),
            noise_floor: t.noise_floor,
            noise_floor_text: t.noise_floor_text.clone(),
            normalized: t.normalized,
            lines: text::trend_header_lines(t),
            rows: t.rows.iter().map(TrendRowDto::new).collect(),
            dropped_rows: t.dropped_rows,
            active_filters: t.active_filters.clone(),
            warnings: t.warnings.clone(),
            text: text::trend(t),
        }
    }
}

/// A loaded series, in the order its files were given.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SeriesSummary {
    pub files: Vec<String>,
    pub count: usize,
    /// The first snapshot's sample type names, and its default.
    pub sample_types: Vec<String>,
    pub default_sample_type: String,
    pub profiles: Vec<FileSummary>,
}

impl SeriesSummary {
    pub fn new(files: &[String], summaries: &[Summary]) -> SeriesSummary {
        let first = summaries.first();
        SeriesSummary {
            files: files.to_vec(),
            count: files.len(),
            sample_types: first.map_or(Vec::new(), |s| {
                s.sample_types.iter().map(|t| t.ty.clone()).collect()
            }),
            default_sample_type: first
                .and_then(|s| s.sample_types.iter().find(|t| t.is_default))
                .map(|t| t.ty.clone())
                .unwrap_or_default(),
            profiles: files
                .iter()
                .zip(summaries)
                .map(|(f, s)| FileSummary::new(f, s))
                .collect(),
        }
    }
}
