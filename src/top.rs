//! The `top` table of one profile, as `go tool pprof -top` computes it: prepare the merged
//! profile (names, drop_frames), choose the sample value, take the total before filtering,
//! filter, build and trim the graph, pick one output unit, and format every cell.
//!
//! The result, `TopTable`, holds raw numbers and pprof-formatted strings side by side; the text
//! report and the JSON for the page are both renderings of it.

use std::borrow::Cow;

use crate::filter::{Expressions, FilterError, Filters};
use crate::graph::{self, Graph, InlineLabel};
use crate::merge::{self, MergeError};
use crate::names;
use crate::profile::{LabelValue, Profile, SampleIndexError, sample_index_by_name};
use crate::prune;
use crate::units;

/// Everything that shapes a `top` table, with pprof's flag names in the docs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Options {
    /// `-sample_index`: a type name, a number, or empty for the profile's default.
    pub sample_index: String,
    /// Granularity, `-noinlines`, `-cum`, `-nodefraction`, `-nodecount`.
    pub graph: graph::Options,
    /// `-focus`, `-ignore`, `-hide`, `-show`, `-show_from`, `-tagfocus`, `-tagignore`.
    pub filters: Expressions,
}

/// Why a table could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TopError {
    #[error(transparent)]
    SampleIndex(#[from] SampleIndexError),
    #[error(transparent)]
    Filter(#[from] FilterError),
}

/// Merges the profiles of one side and applies what pprof applies after fetching: its default
/// name simplification (unless `raw_names`) and the profile's own drop_frames.
pub fn prepare(profiles: Vec<Profile>, raw_names: bool) -> Result<Profile, PrepareError> {
    prepare_with_base(profiles, None, raw_names)
}

/// How base profiles take part in a pprof-style diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseMode {
    /// `-base`: subtract the base; identical stacks cancel and the total is Σ|difference|.
    Subtract,
    /// `-diff_base`: subtract the base, keeping its samples apart; percentages are of the
    /// base's total.
    Compare,
}

/// Base profiles for `-base` / `-diff_base`, with `-normalize`.
#[derive(Debug, Clone)]
pub struct Base {
    pub profiles: Vec<Profile>,
    pub mode: BaseMode,
    /// Scale the sources so that each sample type sums to the base's before subtracting.
    pub normalize: bool,
}

/// Why profiles could not be combined; the prefixes are pprof's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrepareError {
    #[error("problem fetching source profiles: {0}")]
    Sources(MergeError),
    #[error("problem fetching base profiles: {0}")]
    Bases(MergeError),
    #[error("{0}")]
    Combine(MergeError),
    #[error("must have base profile to normalize by")]
    NormalizeWithoutBase,
}

/// Like [`prepare`], subtracting `base` first as pprof's `-base` / `-diff_base` do.
pub fn prepare_with_base(
    sources: Vec<Profile>,
    base: Option<Base>,
    raw_names: bool,
) -> Result<Profile, PrepareError> {
    let profile = combine(sources, base)?;
    Ok(finish(profile, raw_names))
}

/// Merges the sources and, given a base, subtracts it: the base's values are negated (after
/// marking them `pprof::base=true` for `-diff_base`) and merged with the sources, so identical
/// stacks cancel. The result is what pprof would write with `-proto`.
pub fn combine(sources: Vec<Profile>, base: Option<Base>) -> Result<Profile, PrepareError> {
    let mut profile = merge::merge(sources).map_err(PrepareError::Sources)?;
    if let Some(base) = base {
        let mut base_profile = merge::merge(base.profiles).map_err(PrepareError::Bases)?;
        if base.mode == BaseMode::Compare {
            merge::mark_as_diff_base(&mut base_profile);
        }
        if base.normalize {
            merge::normalize(&mut profile, &base_profile).map_err(PrepareError::Combine)?;
        }
        let negate = vec![-1.0; base_profile.sample_types.len()];
        merge::scale_samples(&mut base_profile, &negate);
        profile = merge::merge(vec![profile, base_profile]).map_err(PrepareError::Combine)?;
    }
    Ok(profile)
}

/// What pprof does to a fetched profile before reporting: its default name simplification
/// (unless `raw_names`) and the profile's own drop_frames.
pub fn finish(mut profile: Profile, raw_names: bool) -> Profile {
    if !raw_names {
        names::simplify(&mut profile);
    }
    match prune::remove_uninteresting(&profile) {
        Some(pruned) => pruned,
        None => profile,
    }
}

/// The profile-level lines above the table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Header {
    /// Base name of the main binary (mapping[0]), or "".
    pub file: String,
    pub build_id: String,
    /// Comments not starting with `#`.
    pub comments: Vec<String>,
    /// The chosen sample type's name.
    pub sample_type: String,
    pub doc_url: String,
    pub time_nanos: i64,
    pub duration_nanos: i64,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    pub inline: InlineLabel,
    pub flat: i64,
    pub cum: i64,
    pub flat_text: String,
    pub cum_text: String,
    pub flat_pct: String,
    pub sum_pct: String,
    pub cum_pct: String,
}

/// A complete `top` table.
#[derive(Debug, Clone, PartialEq)]
pub struct TopTable {
    pub header: Header,
    /// The sample type's unit as the profile writes it.
    pub sample_unit: String,
    /// The unit every cell is printed in (pprof's `-unit=minimum` choice).
    pub output_unit: String,
    /// Σ|value| over all samples before filtering (the diff base's only, for `-diff_base`).
    pub total: i64,
    pub rows: Vec<Row>,
    /// `key=value` per active filter, in pprof's order.
    pub active_filters: Vec<String>,
    pub node_fraction: f64,
    pub dropped_nodes: usize,
    pub orig_count: usize,
    /// Notes pprof prints on stderr, such as "Focus expression matched no samples".
    pub warnings: Vec<String>,
}

impl TopTable {
    /// A value in the table's output unit, as pprof prints it.
    pub fn format_value(&self, v: i64) -> String {
        units::scaled_label(v, &self.sample_unit, &self.output_unit)
    }

    /// Σ flat over the rows.
    pub fn flat_sum(&self) -> i64 {
        self.rows
            .iter()
            .fold(0i64, |acc, r| acc.wrapping_add(r.flat))
    }
}

/// One profile reduced to a graph: what `top` prints and what `compare` lines up.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub header: Header,
    /// The chosen sample type's position and unit.
    pub sample_index: usize,
    pub sample_unit: String,
    /// Σ|value| before filtering, as pprof's report total.
    pub total: i64,
    pub graph: Graph,
    pub warnings: Vec<String>,
}

/// What a report says of one side besides its rows: the header, the chosen sample value, the
/// total and the filters' warnings.
#[derive(Debug, Clone, PartialEq)]
pub struct SideInfo {
    pub header: Header,
    /// The chosen sample type's position and unit.
    pub sample_index: usize,
    pub sample_unit: String,
    /// Σ|value| before filtering, as pprof's report total.
    pub total: i64,
    pub warnings: Vec<String>,
}

/// One profile with its sample value chosen, its total taken and its filters applied: what
/// every report starts from, before any aggregation.
#[derive(Debug, Clone)]
pub struct Selection<'p> {
    pub info: SideInfo,
    /// The profile after the filters (borrowed when no filter is set).
    pub filtered: Cow<'p, Profile>,
}

/// Chooses the sample value, takes the total and filters a prepared profile.
pub fn select<'p>(profile: &'p Profile, opts: &Options) -> Result<Selection<'p>, TopError> {
    let index = sample_index_by_name(profile, &opts.sample_index)?;
    let sample_type = &profile.sample_types[index];
    let total = report_total(profile, index);
    let mut warnings = Vec::new();
    let filters = Filters::compile(&opts.filters, &mut warnings)?;
    let filtered = filters.apply(profile, &mut warnings);
    Ok(Selection {
        info: SideInfo {
            header: header(profile, &sample_type.ty),
            sample_index: index,
            sample_unit: sample_type.unit.clone(),
            total,
            warnings,
        },
        filtered,
    })
}

/// Chooses the sample value, takes the total, filters and builds the graph of a prepared
/// profile.
pub fn analyze(profile: &Profile, opts: &Options) -> Result<Analysis, TopError> {
    let sel = select(profile, opts)?;
    let graph = Graph::build(&sel.filtered, sel.info.sample_index, &opts.graph);
    let info = sel.info;
    Ok(Analysis {
        header: info.header,
        sample_index: info.sample_index,
        sample_unit: info.sample_unit,
        total: info.total,
        graph,
        warnings: info.warnings,
    })
}

/// Computes the `top` table of a prepared profile.
pub fn top(profile: &Profile, opts: &Options) -> Result<TopTable, TopError> {
    let a = analyze(profile, opts)?;
    let output_unit = select_output_unit(&a.graph, a.total, &a.sample_unit);
    let format = |v: i64| units::scaled_label(v, &a.sample_unit, &output_unit);
    let mut running = 0i64;
    let rows = a
        .graph
        .nodes
        .iter()
        .map(|n| {
            running = running.wrapping_add(n.flat);
            Row {
                name: n.name.clone(),
                inline: n.inline,
                flat: n.flat,
                cum: n.cum,
                flat_text: format(n.flat),
                cum_text: format(n.cum),
                flat_pct: units::percentage(n.flat, a.total),
                sum_pct: units::percentage(running, a.total),
                cum_pct: units::percentage(n.cum, a.total),
            }
        })
        .collect();
    Ok(TopTable {
        header: a.header,
        sample_unit: a.sample_unit,
        output_unit,
        total: a.total,
        rows,
        active_filters: opts.filters.active(),
        node_fraction: opts.graph.node_fraction,
        dropped_nodes: a.graph.dropped_nodes,
        orig_count: a.graph.orig_count,
        warnings: a.warnings,
    })
}

fn header(profile: &Profile, sample_type: &str) -> Header {
    let main = profile.mappings.first();
    Header {
        file: main
            .filter(|m| !m.file.is_empty())
            .map(|m| graph::go_base(&m.file).to_string())
            .unwrap_or_default(),
        build_id: main.map(|m| m.build_id.clone()).unwrap_or_default(),
        comments: profile
            .comments
            .iter()
            .filter(|c| !c.starts_with('#'))
            .cloned()
            .collect(),
        sample_type: sample_type.to_string(),
        doc_url: profile.doc_url.clone(),
        time_nanos: profile.time_nanos,
        duration_nanos: profile.duration_nanos,
    }
}

/// pprof's report total: Σ|value| over all samples, or over the diff base's samples only
/// (those labelled `pprof::base=true`) when there are any.
pub fn report_total(profile: &Profile, index: usize) -> i64 {
    let samples = &profile.samples;
    let base_key = profile.strings.iter().position(|s| s == "pprof::base");
    let (mut total, mut base_total) = (0i64, 0i64);
    for s in 0..samples.len() {
        let v = samples.value(s, index).wrapping_abs();
        total = total.wrapping_add(v);
        if base_key.is_some() && is_diff_base_sample(profile, s) {
            base_total = base_total.wrapping_add(v);
        }
    }
    if base_total > 0 { base_total } else { total }
}

fn is_diff_base_sample(profile: &Profile, s: usize) -> bool {
    profile.samples.labels(s).iter().any(|l| match l.value {
        LabelValue::Str(v) => profile.str(l.key) == "pprof::base" && profile.str(v) == "true",
        LabelValue::Num { .. } => false,
    })
}

/// pprof's `selectOutputUnit`: the unit of the smallest nonzero node weight, moved up one unit
/// when that is over 100× smaller than the total. With no nodes, every value scales alone.
fn select_output_unit(graph: &Graph, total: i64, sample_unit: &str) -> String {
    if graph.nodes.is_empty() {
        return "minimum".to_string();
    }
    let smallest = graph.nodes.iter().map(|n| {
        let flat = n.flat.wrapping_abs();
        if flat == 0 {
            n.cum.wrapping_abs()
        } else {
            flat
        }
    });
    output_unit(smallest, total, sample_unit)
}

/// The one unit a table is printed in, from its nonzero cell magnitudes and its largest value
/// (pprof's rule, shared by the comparison tables).
pub fn output_unit(values: impl Iterator<Item = i64>, max_value: i64, sample_unit: &str) -> String {
    let mut min_value = values.filter(|&v| v > 0).min().unwrap_or(0);
    if min_value == 0 {
        min_value = max_value;
    }
    let (_, min_unit) = units::scale(min_value, sample_unit, "minimum");
    let (_, max_unit) = units::scale(max_value, sample_unit, "minimum");
    let mut unit = min_unit.clone();
    if min_unit != max_unit && min_value.wrapping_mul(100) < max_value {
        unit = units::scale(min_value.wrapping_mul(100), sample_unit, "minimum").1;
    }
    if unit.is_empty() {
        sample_unit.to_string()
    } else {
        unit
    }
}
