//! A series of profiles of one process over time, and what keeps growing across it.
//!
//! The snapshots are ordered by their `time_nanos` (or kept in the given order), each one is
//! aggregated by printable name exactly as `compare` aggregates a side, and every node gets
//! its flat and cum at every snapshot, a least-squares slope, the first→last Δ and a verdict.
//!
//! **The verdict rule.** Let v₀…vₙ₋₁ be a node's values (flat, or cum when ranking by cum),
//! Δ = vₙ₋₁ − v₀, and the noise floor F = `noise_floor` × the largest snapshot total.
//! - `STEADY` when max(v) − min(v) ≤ F: the node never moved by more than the noise floor;
//! - otherwise `GROWING` when Δ > F and Mann–Kendall's τ ≥ [`TAU_THRESHOLD`], where
//!   τ = S / (n(n−1)/2) and S = Σ_{i<j} sign(vⱼ − vᵢ) (every later snapshot compared with
//!   every earlier one: τ = 1 for a series that only rises, ties count 0);
//! - `SHRINKING` when Δ < −F and τ ≤ −[`TAU_THRESHOLD`];
//! - `NOISY` otherwise: it moved by more than the floor, but not in one direction.
//!
//! Rows are ranked by growth: `GROWING` rows first, then every other row, each group by Δ
//! descending, then by name.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::compare::{self, SortBy, signed_label};
use crate::graph;
use crate::merge::{self, MergeError};
use crate::profile::{Profile, ValueType};
use crate::top::{self, Header, TopError};
use crate::units;

/// |τ| a series needs to count as rising (or falling) nearly monotonically.
pub const TAU_THRESHOLD: f64 = 0.6;

/// The default noise floor, as a share of the largest snapshot total: what `diff` and pprof
/// hide by default (`--nodefraction=0.005`) is noise here too.
pub const DEFAULT_NOISE_FLOOR: f64 = 0.005;

/// How snapshots are put in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// By profile time, ties keeping the given order; when any snapshot has no time, the
    /// given order is kept for all.
    #[default]
    Time,
    /// As given.
    Args,
}

/// What a node's series says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    Growing,
    Shrinking,
    Steady,
    Noisy,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Growing => "GROWING",
            Verdict::Shrinking => "SHRINKING",
            Verdict::Steady => "STEADY",
            Verdict::Noisy => "NOISY",
        }
    }
}

/// Options of a trend: the `top` options applied to every snapshot alike, plus its own.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Sample index, granularity, filters; the node fraction drops rows whose cum never
    /// reaches that share of the largest total; the node count caps the rows after ranking.
    pub top: top::Options,
    /// Scale every snapshot so that each sample type sums to the last snapshot's first.
    pub normalize: bool,
    /// Which value the Δ, slope, verdict and ranking follow: flat, or cum.
    pub sort: SortBy,
    pub order: Order,
    /// The noise floor as a share of the largest snapshot total.
    pub noise_floor: f64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            top: top::Options::default(),
            normalize: false,
            sort: SortBy::DeltaFlat,
            order: Order::Time,
            noise_floor: DEFAULT_NOISE_FLOOR,
        }
    }
}

/// Why a series cannot be analysed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrendError {
    #[error("a series needs at least 2 profiles, got {0}")]
    TooFew(usize),
    #[error(
        "a series needs profiles of one kind: {other} ({other_types}) is not of the kind of {first} ({first_types})"
    )]
    MixedKinds {
        first: String,
        first_types: String,
        other: String,
        other_types: String,
    },
    #[error("the snapshots cannot be combined: {0}")]
    Incompatible(MergeError),
    #[error("{file}: {error}")]
    Snapshot { file: String, error: TopError },
}

/// One snapshot's header facts.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotInfo {
    pub file: String,
    pub header: Header,
    pub total: i64,
}

/// The x axis of the slope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlopeUnit {
    PerHour,
    /// When a snapshot has no time, or all share one.
    PerSnapshot,
}

impl SlopeUnit {
    pub fn suffix(self) -> &'static str {
        match self {
            SlopeUnit::PerHour => "/h",
            SlopeUnit::PerSnapshot => "/snapshot",
        }
    }
}

/// Every node's values across the series, before ranking and formatting.
#[derive(Debug, Clone)]
pub struct Series {
    pub snapshots: Vec<SnapshotInfo>,
    pub sample_type: String,
    pub sample_unit: String,
    /// Node names, with flat and cum per snapshot (0 where a snapshot lacks the node).
    pub names: Vec<String>,
    pub flat: Vec<Vec<i64>>,
    pub cum: Vec<Vec<i64>>,
    pub warnings: Vec<String>,
}

/// One ranked row.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendRow {
    pub name: String,
    pub flat: Vec<i64>,
    pub cum: Vec<i64>,
    /// The values the row is judged by: `flat`, or `cum` when ranking by cum.
    pub values: Vec<i64>,
    /// Last minus first of `values`.
    pub delta: i64,
    /// Least-squares slope of `values`, in sample units per hour or per snapshot.
    pub slope: f64,
    /// Mann–Kendall τ of `values`, in [-1, 1].
    pub tau: f64,
    pub verdict: Verdict,
    pub first_text: String,
    pub last_text: String,
    pub delta_text: String,
    pub slope_text: String,
    /// Every value in the table's unit.
    pub value_texts: Vec<String>,
}

/// A ranked trend table.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    pub snapshots: Vec<SnapshotInfo>,
    pub total_texts: Vec<String>,
    /// Last total minus first, formatted, and relative to the first.
    pub delta_total: i64,
    pub delta_total_text: String,
    pub delta_total_pct_text: String,
    pub sample_type: String,
    pub sample_unit: String,
    pub output_unit: String,
    pub slope_unit: SlopeUnit,
    /// Which value rows follow: "flat" or "cum".
    pub key: &'static str,
    pub normalized: bool,
    pub order: Order,
    /// The noise floor in sample units, and as set (a share of the largest total).
    pub noise_floor: i64,
    pub noise_floor_text: String,
    pub noise_floor_share: f64,
    pub rows: Vec<TrendRow>,
    /// Rows left out by the node fraction.
    pub dropped_rows: usize,
    /// Rows before the node count cut.
    pub orig_count: usize,
    pub active_filters: Vec<String>,
    pub warnings: Vec<String>,
}

impl Trend {
    pub fn first_total(&self) -> i64 {
        self.snapshots.first().map_or(0, |s| s.total)
    }

    pub fn last_total(&self) -> i64 {
        self.snapshots.last().map_or(0, |s| s.total)
    }
}

/// The trend of prepared snapshots (see [`top::prepare`]), each with its file name.
pub fn trend(snapshots: &[(&str, &Profile)], opts: &Options) -> Result<Trend, TrendError> {
    Ok(aggregate_series(snapshots, opts)?.report(opts))
}

/// Orders the snapshots, checks they are of one kind and aggregates each one by name.
pub fn aggregate_series(
    snapshots: &[(&str, &Profile)],
    opts: &Options,
) -> Result<Series, TrendError> {
    if snapshots.len() < 2 {
        return Err(TrendError::TooFew(snapshots.len()));
    }
    let ordered: Vec<(&str, &Profile)> = series_order(snapshots, opts.order)
        .into_iter()
        .map(|i| snapshots[i])
        .collect();
    check_one_kind(&ordered)?;
    let profiles = comparable(&ordered, opts.normalize)?;

    let n = ordered.len();
    let mut series = Series {
        snapshots: Vec::with_capacity(n),
        sample_type: String::new(),
        sample_unit: String::new(),
        names: Vec::new(),
        flat: Vec::new(),
        cum: Vec::new(),
        warnings: Vec::new(),
    };
    let mut row_of: HashMap<String, usize> = HashMap::new();
    let mut top_opts = opts.top.clone();
    for (i, ((file, _), profile)) in ordered.iter().zip(&profiles).enumerate() {
        let snapshot = aggregate(profile, &top_opts).map_err(|error| TrendError::Snapshot {
            file: file.to_string(),
            error,
        })?;
        if i == 0 {
            // Every later snapshot shows the first one's type, chosen by name.
            top_opts.sample_index = snapshot.sample_type.clone();
            series.sample_type = snapshot.sample_type.clone();
            series.sample_unit = snapshot.sample_unit.clone();
        }
        series
            .warnings
            .extend(snapshot.warnings.iter().map(|w| format!("{file}: {w}")));
        series.snapshots.push(SnapshotInfo {
            file: file.to_string(),
            header: snapshot.header,
            total: snapshot.total,
        });
        for (name, flat, cum) in snapshot.nodes {
            let row = *row_of.entry(name).or_insert_with_key(|name| {
                series.names.push(name.clone());
                series.flat.push(vec![0; n]);
                series.cum.push(vec![0; n]);
                series.names.len() - 1
            });
            series.flat[row][i] = flat;
            series.cum[row][i] = cum;
        }
    }
    Ok(series)
}

/// One snapshot reduced to what a trend keeps.
struct Aggregated {
    header: Header,
    sample_type: String,
    sample_unit: String,
    total: i64,
    nodes: Vec<(String, i64, i64)>,
    warnings: Vec<String>,
}

/// The one aggregation call of a snapshot: its nodes' flat and cum by printable name, exactly
/// as `compare` lines up each side.
fn aggregate(profile: &Profile, opts: &top::Options) -> Result<Aggregated, TopError> {
    let sel = top::select(profile, opts)?;
    let nodes = graph::weights_by_name(&sel.filtered, sel.info.sample_index, &opts.graph);
    let info = sel.info;
    Ok(Aggregated {
        sample_type: profile.sample_types[info.sample_index].ty.clone(),
        sample_unit: info.sample_unit,
        header: info.header,
        total: info.total,
        nodes,
        warnings: info.warnings,
    })
}

/// The positions of `snapshots` in series order.
pub fn series_order(snapshots: &[(&str, &Profile)], how: Order) -> Vec<usize> {
    let times: Vec<i64> = snapshots.iter().map(|(_, p)| p.time_nanos).collect();
    order(&times, how)
}

/// The snapshot order: by time (stable) when every snapshot has one, else as given.
fn order(times: &[i64], order: Order) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..times.len()).collect();
    if order == Order::Time && times.iter().all(|&t| t != 0) {
        idx.sort_by_key(|&i| times[i]);
    }
    idx
}

/// Every snapshot must have the first one's sample types (by name, units of one family).
pub fn check_one_kind(snapshots: &[(&str, &Profile)]) -> Result<(), TrendError> {
    let (first_file, first) = snapshots[0];
    for &(file, p) in &snapshots[1..] {
        let same = p.sample_types.len() == first.sample_types.len()
            && p.sample_types.iter().all(|t| {
                first
                    .sample_types
                    .iter()
                    .any(|f| merge::compatible_value_types(f, t))
            });
        if !same {
            return Err(TrendError::MixedKinds {
                first: first_file.to_string(),
                first_types: describe_types(&first.sample_types),
                other: file.to_string(),
                other_types: describe_types(&p.sample_types),
            });
        }
    }
    Ok(())
}

fn describe_types(types: &[ValueType]) -> String {
    let items: Vec<String> = types
        .iter()
        .map(|t| format!("{}/{}", t.ty, t.unit))
        .collect();
    items.join(", ")
}

/// The snapshots with identical sample types and units, scaled to the last one's sums with
/// `normalize`. Profiles of one kind (the common case) are borrowed, not copied.
fn comparable<'p>(
    snapshots: &[(&str, &'p Profile)],
    normalize: bool,
) -> Result<Vec<Cow<'p, Profile>>, TrendError> {
    let first = snapshots[0].1;
    let identical = snapshots
        .iter()
        .all(|(_, p)| p.sample_types == first.sample_types && p.period_type == first.period_type);
    if identical && !normalize {
        return Ok(snapshots.iter().map(|(_, p)| Cow::Borrowed(*p)).collect());
    }
    let mut owned: Vec<Profile> = snapshots.iter().map(|(_, p)| (*p).clone()).collect();
    merge::make_comparable(&mut owned).map_err(TrendError::Incompatible)?;
    if normalize {
        let last = owned.last().expect("at least two snapshots").clone();
        for p in &mut owned {
            merge::normalize(p, &last).map_err(TrendError::Incompatible)?;
        }
    }
    Ok(owned.into_iter().map(Cow::Owned).collect())
}

impl Series {
    /// Slope x values: hours since the first snapshot, or snapshot numbers.
    fn axis(&self) -> (Vec<f64>, SlopeUnit) {
        let times: Vec<i64> = self.snapshots.iter().map(|s| s.header.time_nanos).collect();
        let distinct = times.iter().any(|&t| t != times[0]);
        if distinct && times.iter().all(|&t| t != 0) {
            let hours = times
                .iter()
                .map(|&t| t.wrapping_sub(times[0]) as f64 / 3.6e12)
                .collect();
            (hours, SlopeUnit::PerHour)
        } else {
            (
                (0..times.len()).map(|i| i as f64).collect(),
                SlopeUnit::PerSnapshot,
            )
        }
    }

    /// Ranks, trims and formats the rows.
    pub fn report(&self, opts: &Options) -> Trend {
        let (xs, slope_unit) = self.axis();
        let max_total = self
            .snapshots
            .iter()
            .map(|s| s.total.wrapping_abs())
            .max()
            .unwrap_or(0);
        let floor = (max_total as f64 * opts.noise_floor.max(0.0)) as i64;
        let cutoff = (max_total as f64 * opts.top.graph.node_fraction) as i64;
        let by_cum = opts.sort == SortBy::DeltaCum;

        let mut dropped_rows = 0;
        let mut raw: Vec<RawRow> = Vec::with_capacity(self.names.len());
        for (i, name) in self.names.iter().enumerate() {
            let biggest_cum = self.cum[i].iter().map(|v| v.unsigned_abs()).max();
            if biggest_cum.unwrap_or(0) < cutoff.unsigned_abs() {
                dropped_rows += 1;
                continue;
            }
            let values = if by_cum { &self.cum[i] } else { &self.flat[i] };
            let delta = last(values).wrapping_sub(values[0]);
            let tau = kendall_tau(values);
            raw.push(RawRow {
                index: i,
                delta,
                slope: slope(&xs, values),
                tau,
                verdict: verdict(values, delta, tau, floor),
                name,
            });
        }
        rank(&mut raw);
        let orig_count = raw.len();
        if opts.top.graph.node_count > 0 {
            raw.truncate(opts.top.graph.node_count);
        }

        let unit = &self.sample_unit;
        let cells = raw.iter().flat_map(|r| {
            let values = if by_cum {
                &self.cum[r.index]
            } else {
                &self.flat[r.index]
            };
            [values[0], last(values), r.delta].map(i64::wrapping_abs)
        });
        let output_unit = top::output_unit(cells, max_total, unit);
        let fmt = |v: i64| units::scaled_label(v, unit, &output_unit);
        let signed = |v: i64| signed_label(v, unit, &output_unit);
        let rows = raw
            .into_iter()
            .map(|r| {
                let (flat, cum) = (self.flat[r.index].clone(), self.cum[r.index].clone());
                let values = if by_cum { cum.clone() } else { flat.clone() };
                TrendRow {
                    name: r.name.clone(),
                    first_text: fmt(values[0]),
                    last_text: fmt(last(&values)),
                    delta_text: signed(r.delta),
                    slope_text: format!(
                        "{}{}",
                        signed(r.slope.round() as i64),
                        slope_unit.suffix()
                    ),
                    value_texts: values.iter().map(|&v| fmt(v)).collect(),
                    values,
                    flat,
                    cum,
                    delta: r.delta,
                    slope: r.slope,
                    tau: r.tau,
                    verdict: r.verdict,
                }
            })
            .collect();
        let first_total = self.snapshots[0].total;
        let delta_total = last(&self.snapshots.iter().map(|s| s.total).collect::<Vec<_>>())
            .wrapping_sub(first_total);
        Trend {
            total_texts: self.snapshots.iter().map(|s| fmt(s.total)).collect(),
            delta_total,
            delta_total_text: signed(delta_total),
            delta_total_pct_text: compare::relative_change(delta_total, first_total),
            snapshots: self.snapshots.clone(),
            sample_type: self.sample_type.clone(),
            sample_unit: unit.clone(),
            noise_floor: floor,
            noise_floor_text: fmt(floor),
            noise_floor_share: opts.noise_floor,
            output_unit,
            slope_unit,
            key: if by_cum { "cum" } else { "flat" },
            normalized: opts.normalize,
            order: opts.order,
            rows,
            dropped_rows,
            orig_count,
            active_filters: opts.top.filters.active(),
            warnings: self.warnings.clone(),
        }
    }
}

struct RawRow<'s> {
    index: usize,
    name: &'s String,
    delta: i64,
    slope: f64,
    tau: f64,
    verdict: Verdict,
}

fn last(values: &[i64]) -> i64 {
    *values.last().expect("a series has at least two snapshots")
}

/// GROWING rows first, then the others; each group by Δ descending, then by name.
fn rank(rows: &mut [RawRow]) {
    rows.sort_by(|l, r| {
        let growing = |x: &RawRow| x.verdict == Verdict::Growing;
        growing(r)
            .cmp(&growing(l))
            .then_with(|| r.delta.cmp(&l.delta))
            .then_with(|| l.name.cmp(r.name))
    });
}

/// The verdict rule of the module docs.
pub fn verdict(values: &[i64], delta: i64, tau: f64, floor: i64) -> Verdict {
    let max = values.iter().copied().max().unwrap_or(0);
    let min = values.iter().copied().min().unwrap_or(0);
    if max.wrapping_sub(min) <= floor {
        Verdict::Steady
    } else if delta > floor && tau >= TAU_THRESHOLD {
        Verdict::Growing
    } else if delta < -floor && tau <= -TAU_THRESHOLD {
        Verdict::Shrinking
    } else {
        Verdict::Noisy
    }
}

/// Mann–Kendall's τ (τ-a): S / (n(n−1)/2) with S = Σ_{i<j} sign(vⱼ − vᵢ); 0 for fewer than two
/// values.
pub fn kendall_tau(values: &[i64]) -> f64 {
    let n = values.len();
    if n < 2 {
        return 0.0;
    }
    let mut s: i64 = 0;
    for i in 0..n {
        for j in i + 1..n {
            s += (values[j].cmp(&values[i]) as i64).signum();
        }
    }
    s as f64 / (n * (n - 1) / 2) as f64
}

/// The least-squares slope of `values` over `xs` (0 when every x is the same).
pub fn slope(xs: &[f64], values: &[i64]) -> f64 {
    let n = xs.len() as f64;
    let mean_x = xs.iter().sum::<f64>() / n;
    let mean_y = values.iter().map(|&v| v as f64).sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (&x, &y) in xs.iter().zip(values) {
        sxy += (x - mean_x) * (y as f64 - mean_y);
        sxx += (x - mean_x) * (x - mean_x);
    }
    if sxx == 0.0 { 0.0 } else { sxy / sxx }
}

/// A row of Unicode blocks, one per value, scaled between the row's smallest and largest
/// value (all lowest when they are equal).
pub fn sparkline(values: &[i64]) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().copied().max().unwrap_or(0);
    let min = values.iter().copied().min().unwrap_or(0);
    let range = max as f64 - min as f64;
    values
        .iter()
        .map(|&v| {
            if range <= 0.0 {
                BLOCKS[0]
            } else {
                let level = ((v as f64 - min as f64) / range * 7.0).round() as usize;
                BLOCKS[level.min(7)]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLOOR: i64 = 10;

    fn judge(values: &[i64]) -> Verdict {
        let delta = values[values.len() - 1] - values[0];
        verdict(values, delta, kendall_tau(values), FLOOR)
    }

    #[test]
    fn tau_is_one_for_a_rising_series_and_minus_one_for_a_falling_one() {
        assert_eq!(kendall_tau(&[1, 2, 3, 4]), 1.0);
        assert_eq!(kendall_tau(&[4, 3, 2, 1]), -1.0);
        assert_eq!(kendall_tau(&[5, 5, 5]), 0.0);
        // 1,2,2,3: five rising pairs, one tie, of six.
        assert!((kendall_tau(&[1, 2, 2, 3]) - 5.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn verdicts_follow_the_documented_rule() {
        // A fixed leak per snapshot.
        assert_eq!(judge(&[0, 100, 200, 300, 400, 500]), Verdict::Growing);
        // A leak with one dip still rises nearly monotonically (τ = 13/15).
        assert_eq!(judge(&[0, 100, 80, 300, 400, 500]), Verdict::Growing);
        assert_eq!(judge(&[500, 400, 300, 200, 100, 0]), Verdict::Shrinking);
        // Jitter within the noise floor.
        assert_eq!(judge(&[100, 105, 98, 107, 100, 103]), Verdict::Steady);
        // Up and down: churn, never a trend even when it ends higher (τ = 2/15).
        assert_eq!(judge(&[20, 60, 10, 50, 20, 60, 10, 30]), Verdict::Noisy);
        assert_eq!(judge(&[100, 400, 200, 500, 100, 300]), Verdict::Noisy);
        // Rising steadily but by less than the floor is steady.
        assert_eq!(judge(&[0, 2, 4, 6, 8, 10]), Verdict::Steady);
        // τ exactly at the threshold: one step up after three flat snapshots.
        assert_eq!(judge(&[0, 0, 0, 50, 50, 50]), Verdict::Growing);
        // Δ above the floor but τ below the threshold.
        assert_eq!(judge(&[0, 300, 200, 100, 0, 50]), Verdict::Noisy);
    }

    #[test]
    fn slopes_are_least_squares() {
        assert_eq!(slope(&[0.0, 1.0, 2.0], &[10, 20, 30]), 10.0);
        assert_eq!(slope(&[0.0, 0.5, 1.0], &[0, 5, 10]), 10.0);
        assert_eq!(slope(&[3.0, 3.0], &[0, 10]), 0.0);
        assert!((slope(&[0.0, 1.0, 2.0, 3.0], &[1, 3, 2, 4]) - 0.8).abs() < 1e-12);
    }

    #[test]
    fn order_is_by_time_with_ties_stable_and_missing_times_as_given() {
        assert_eq!(order(&[30, 10, 20], Order::Time), vec![1, 2, 0]);
        assert_eq!(order(&[20, 10, 20, 10], Order::Time), vec![1, 3, 0, 2]);
        assert_eq!(order(&[30, 0, 20], Order::Time), vec![0, 1, 2]);
        assert_eq!(order(&[30, 10, 20], Order::Args), vec![0, 1, 2]);
    }

    #[test]
    fn sparklines_scale_between_min_and_max() {
        assert_eq!(sparkline(&[0, 1, 2, 3, 4, 5, 6, 7]), "▁▂▃▄▅▆▇█");
        assert_eq!(sparkline(&[5, 5, 5]), "▁▁▁");
        assert_eq!(sparkline(&[-10, 10]), "▁█");
    }
}
