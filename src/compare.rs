//! Two profiles side by side: A (the baseline) and B (the new one). Nodes are lined up by
//! printable name at the chosen granularity, never by ids or addresses, and each row carries
//! A, B and Δ for flat and cum with a status: grew, shrank, new (only in B), gone (only in A),
//! same. Growth paths rank whole root→leaf call paths by the Δ they carry.
//!
//! The inputs are never mutated: each side is analysed on its own, with the same options, and
//! the comparison is a new value.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::calltree::{CallTree, Input, NodeId, Side as TreeSide};
use crate::graph::{self, Granularity};
use crate::merge::{self, MergeError};
use crate::parallel::both;
use crate::profile::Profile;
use crate::top::{self, Header, Selection, SideInfo, TopError};
use crate::units;

/// What a row's Δ says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Grew,
    Shrank,
    /// Only in B.
    New,
    /// Only in A.
    Gone,
    Same,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Grew => "GREW",
            Status::Shrank => "SHRANK",
            Status::New => "NEW",
            Status::Gone => "GONE",
            Status::Same => "SAME",
        }
    }
}

/// The order of comparison rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// |Δflat| descending.
    #[default]
    DeltaFlat,
    /// |Δcum| descending.
    DeltaCum,
}

/// Options of a comparison: the `top` options applied to both sides alike, plus its own.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Options {
    /// Sample index, granularity, filters; the node fraction decides which rows are shown
    /// (a row stays when its cum on either side reaches that share of the larger total);
    /// the node count caps the rows after sorting.
    pub top: top::Options,
    /// Scale A so that each sample type sums to B's before comparing.
    pub normalize: bool,
    pub sort: SortBy,
}

/// Why two profiles cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompareError {
    #[error("A and B cannot be compared: {0}")]
    Incompatible(MergeError),
    #[error("A: {0}")]
    A(TopError),
    #[error("B: {0}")]
    B(TopError),
}

/// One side's header facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    pub header: Header,
    pub total: i64,
    pub total_text: String,
    /// `runtime.MemStats` when the side is one Go heap text (`debug=1`).
    pub memstats: Option<crate::memstats::MemStats>,
}

/// One row of the comparison table.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffRow {
    pub name: String,
    pub a_flat: i64,
    pub b_flat: i64,
    pub a_cum: i64,
    pub b_cum: i64,
    pub status: Status,
    pub a_flat_text: String,
    pub b_flat_text: String,
    pub delta_flat_text: String,
    /// Δflat relative to A's flat: `+12.50%`, `-100%`, `new` when A's flat is 0.
    pub delta_pct_text: String,
    pub a_cum_text: String,
    pub b_cum_text: String,
    pub delta_cum_text: String,
}

impl DiffRow {
    pub fn delta_flat(&self) -> i64 {
        self.b_flat.wrapping_sub(self.a_flat)
    }

    pub fn delta_cum(&self) -> i64 {
        self.b_cum.wrapping_sub(self.a_cum)
    }
}

/// The comparison table of A and B.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub a: Side,
    pub b: Side,
    pub sample_type: String,
    pub sample_unit: String,
    pub output_unit: String,
    pub delta_total: i64,
    pub delta_total_text: String,
    /// Δtotal relative to A's total, or `new`.
    pub delta_total_pct_text: String,
    /// Whether A was scaled to B's total first.
    pub normalized: bool,
    pub rows: Vec<DiffRow>,
    /// Rows left out by the node fraction.
    pub dropped_rows: usize,
    /// Rows before the node count cut.
    pub orig_count: usize,
    pub active_filters: Vec<String>,
    pub warnings: Vec<String>,
}

/// Makes A and B comparable as pprof makes profiles mergeable: sample types matched by name
/// (those of A's order kept when present in both), units of one family brought to the finer
/// one, period types checked. With `normalize`, A is scaled to B's sums.
pub fn align<'p>(
    a: &'p Profile,
    b: &'p Profile,
    normalize: bool,
) -> Result<(Cow<'p, Profile>, Cow<'p, Profile>), CompareError> {
    // Profiles of one kind (the common case) need no copy: nothing would change.
    if !normalize && a.sample_types == b.sample_types && a.period_type == b.period_type {
        return Ok((Cow::Borrowed(a), Cow::Borrowed(b)));
    }
    let mut pair = vec![a.clone(), b.clone()];
    merge::make_comparable(&mut pair).map_err(CompareError::Incompatible)?;
    let b = pair.pop().expect("two profiles");
    let mut a = pair.pop().expect("two profiles");
    if normalize {
        merge::normalize(&mut a, &b).map_err(CompareError::Incompatible)?;
    }
    Ok((Cow::Owned(a), Cow::Owned(b)))
}

/// Compares two prepared profiles (see [`top::prepare`]).
pub fn compare(a: &Profile, b: &Profile, opts: &Options) -> Result<Comparison, CompareError> {
    let (a, b) = align(a, b, opts.normalize)?;
    let (a_sel, b_sel) = select_both(&a, &b, &opts.top)?;
    let (a_rows, b_rows) = both(
        || weights_of(&a_sel, &opts.top),
        || weights_of(&b_sel, &opts.top),
    );
    let mut c = build(&a_sel.info, &a_rows, &b_sel.info, &b_rows, opts);
    c.a.memstats = a.memstats.clone();
    c.b.memstats = b.memstats.clone();
    Ok(c)
}

/// Selects A with the options and B with A's chosen type, by name, so that both sides show the
/// same thing.
pub(crate) fn select_both<'p>(
    a: &'p Profile,
    b: &'p Profile,
    opts: &top::Options,
) -> Result<(Selection<'p>, Selection<'p>), CompareError> {
    let a_sel = top::select(a, opts).map_err(CompareError::A)?;
    let mut b_opts = opts.clone();
    b_opts.sample_index = a.sample_types[a_sel.info.sample_index].ty.clone();
    let b_sel = top::select(b, &b_opts).map_err(CompareError::B)?;
    Ok((a_sel, b_sel))
}

/// Per printable name: (flat, cum) of one side, untrimmed.
fn weights_of(sel: &Selection, opts: &top::Options) -> HashMap<String, (i64, i64)> {
    graph::weights_by_name(&sel.filtered, sel.info.sample_index, &opts.graph)
        .into_iter()
        .map(|(name, flat, cum)| (name, (flat, cum)))
        .collect()
}

fn build(
    a: &SideInfo,
    a_nodes: &HashMap<String, (i64, i64)>,
    b: &SideInfo,
    b_nodes: &HashMap<String, (i64, i64)>,
    opts: &Options,
) -> Comparison {
    let mut names: Vec<&str> = a_nodes.keys().map(String::as_str).collect();
    names.extend(
        b_nodes
            .keys()
            .map(String::as_str)
            .filter(|k| !a_nodes.contains_key(*k)),
    );
    let max_total = a.total.max(b.total);
    let cutoff = ((max_total as f64 * opts.top.graph.node_fraction) as i64).wrapping_abs();
    let mut rows = Vec::with_capacity(names.len());
    let mut dropped_rows = 0;
    for name in names {
        let (a_flat, a_cum) = a_nodes.get(name).copied().unwrap_or_default();
        let (b_flat, b_cum) = b_nodes.get(name).copied().unwrap_or_default();
        if a_cum.unsigned_abs().max(b_cum.unsigned_abs()) < cutoff.unsigned_abs() {
            dropped_rows += 1;
            continue;
        }
        rows.push(RawRow {
            name: name.to_string(),
            a_flat,
            b_flat,
            a_cum,
            b_cum,
            in_a: a_nodes.contains_key(name),
            in_b: b_nodes.contains_key(name),
        });
    }
    sort_rows(&mut rows, opts.sort);
    let orig_count = rows.len();
    if opts.top.graph.node_count > 0 {
        rows.truncate(opts.top.graph.node_count);
    }

    let unit = &a.sample_unit;
    let cells = rows.iter().flat_map(|r| {
        [
            r.a_flat,
            r.b_flat,
            r.a_cum,
            r.b_cum,
            r.b_flat.wrapping_sub(r.a_flat),
        ]
        .map(i64::wrapping_abs)
    });
    let output_unit = top::output_unit(cells, max_total, unit);
    let fmt = |v: i64| units::scaled_label(v, unit, &output_unit);
    let signed = |v: i64| signed_label(v, unit, &output_unit);
    let delta_total = b.total.wrapping_sub(a.total);
    Comparison {
        a: side(a, &fmt),
        b: side(b, &fmt),
        sample_type: a.header.sample_type.clone(),
        sample_unit: unit.clone(),
        delta_total,
        delta_total_text: signed(delta_total),
        delta_total_pct_text: relative_change(delta_total, a.total),
        normalized: opts.normalize,
        rows: rows
            .into_iter()
            .map(|r| {
                let delta_flat = r.b_flat.wrapping_sub(r.a_flat);
                let delta_cum = r.b_cum.wrapping_sub(r.a_cum);
                DiffRow {
                    status: status(&r, delta_flat, delta_cum, opts.sort),
                    a_flat_text: fmt(r.a_flat),
                    b_flat_text: fmt(r.b_flat),
                    delta_flat_text: signed(delta_flat),
                    delta_pct_text: relative_change(delta_flat, r.a_flat),
                    a_cum_text: fmt(r.a_cum),
                    b_cum_text: fmt(r.b_cum),
                    delta_cum_text: signed(delta_cum),
                    name: r.name,
                    a_flat: r.a_flat,
                    b_flat: r.b_flat,
                    a_cum: r.a_cum,
                    b_cum: r.b_cum,
                }
            })
            .collect(),
        output_unit,
        dropped_rows,
        orig_count,
        active_filters: opts.top.filters.active(),
        warnings: side_warnings(a, b),
    }
}

pub(crate) fn side_warnings(a: &SideInfo, b: &SideInfo) -> Vec<String> {
    a.warnings
        .iter()
        .map(|w| format!("A: {w}"))
        .chain(b.warnings.iter().map(|w| format!("B: {w}")))
        .collect()
}

struct RawRow {
    name: String,
    a_flat: i64,
    b_flat: i64,
    a_cum: i64,
    b_cum: i64,
    in_a: bool,
    in_b: bool,
}

fn side(an: &SideInfo, fmt: &dyn Fn(i64) -> String) -> Side {
    Side {
        header: an.header.clone(),
        total: an.total,
        total_text: fmt(an.total),
        memstats: None,
    }
}

/// NEW / GONE by presence; otherwise the sign of the sort key's Δ (the other Δ when it is 0).
fn status(r: &RawRow, delta_flat: i64, delta_cum: i64, sort: SortBy) -> Status {
    match (r.in_a, r.in_b) {
        (false, true) => Status::New,
        (true, false) => Status::Gone,
        _ => {
            let (first, second) = match sort {
                SortBy::DeltaFlat => (delta_flat, delta_cum),
                SortBy::DeltaCum => (delta_cum, delta_flat),
            };
            let delta = if first != 0 { first } else { second };
            match delta.signum() {
                1 => Status::Grew,
                -1 => Status::Shrank,
                _ => Status::Same,
            }
        }
    }
}

/// By |Δ| of the sort key, then |Δ| of the other, then name.
fn sort_rows(rows: &mut [RawRow], sort: SortBy) {
    rows.sort_by(|l, r| {
        let key = |x: &RawRow| {
            let flat = x.b_flat.wrapping_sub(x.a_flat).unsigned_abs();
            let cum = x.b_cum.wrapping_sub(x.a_cum).unsigned_abs();
            match sort {
                SortBy::DeltaFlat => (flat, cum),
                SortBy::DeltaCum => (cum, flat),
            }
        };
        key(r).cmp(&key(l)).then_with(|| l.name.cmp(&r.name))
    });
}

/// A signed value in the table's unit: `+1.50MB`, `-512kB`, `0`.
pub fn signed_label(v: i64, from: &str, to: &str) -> String {
    let text = units::scaled_label(v, from, to);
    if v > 0 && text != "0" {
        format!("+{text}")
    } else {
        text
    }
}

/// Δ relative to the baseline: `+25%`, `-100%`, `0%`, or `new` when the baseline is 0.
pub fn relative_change(delta: i64, base: i64) -> String {
    if base == 0 {
        return if delta == 0 {
            "0%".to_string()
        } else {
            "new".to_string()
        };
    }
    let pct = delta as f64 / base.unsigned_abs() as f64 * 100.0;
    let text = format!("{pct:+.2}");
    let text = text.strip_suffix(".00").unwrap_or(&text);
    if text == "+0" || text == "-0" {
        "0%".to_string()
    } else {
        format!("{text}%")
    }
}

/// Options of the growth-path view.
#[derive(Debug, Clone, PartialEq)]
pub struct PathOptions {
    /// Sample index and filters (granularity is always functions).
    pub top: top::Options,
    pub normalize: bool,
    /// How many leaf paths to rank.
    pub top_n: usize,
}

impl Default for PathOptions {
    fn default() -> PathOptions {
        PathOptions {
            top: top::Options::default(),
            normalize: false,
            top_n: 10,
        }
    }
}

/// One line of the folded path tree: a frame with the weight of every sample that reached
/// it along this exact path, in A and in B.
#[derive(Debug, Clone, PartialEq)]
pub struct PathNode {
    pub name: String,
    /// Depth below the root frame (0 for root frames).
    pub depth: usize,
    pub a: i64,
    pub b: i64,
    pub a_text: String,
    pub b_text: String,
    pub delta_text: String,
    /// Rank (1-based) when the path ends here and is one of the ranked paths.
    pub rank: Option<usize>,
}

impl PathNode {
    pub fn delta(&self) -> i64 {
        self.b.wrapping_sub(self.a)
    }
}

/// Growth paths: the top paths by |Δ| of the samples that end on them, folded into a tree of
/// their shared prefixes, depth-first, children by |Δ|.
#[derive(Debug, Clone, PartialEq)]
pub struct Paths {
    pub a: Side,
    pub b: Side,
    pub sample_type: String,
    pub output_unit: String,
    pub delta_total_text: String,
    pub delta_total_pct_text: String,
    pub normalized: bool,
    pub nodes: Vec<PathNode>,
    pub active_filters: Vec<String>,
    pub warnings: Vec<String>,
}

/// The joint call tree of A and B with what the reports say of each side.
#[derive(Debug, Clone)]
pub struct JointTree {
    pub tree: CallTree,
    pub a: SideInfo,
    pub b: SideInfo,
}

/// Builds the joint call tree of A and B at `opts`'s sample value, granularity and filters,
/// with A scaled to B's totals first when `normalize` is set.
pub fn joint_tree(
    a: &Profile,
    b: &Profile,
    opts: &top::Options,
    normalize: bool,
) -> Result<JointTree, CompareError> {
    let (a, b) = align(a, b, normalize)?;
    let (a_sel, b_sel) = select_both(&a, &b, opts)?;
    let tree = CallTree::build(
        Input {
            profile: &a_sel.filtered,
            value_index: a_sel.info.sample_index,
        },
        Some(Input {
            profile: &b_sel.filtered,
            value_index: b_sel.info.sample_index,
        }),
        &opts.graph,
    );
    Ok(JointTree {
        tree,
        a: a_sel.info,
        b: b_sel.info,
    })
}

/// The options of the tree that growth paths rank: functions granularity.
pub fn paths_tree_options(opts: &PathOptions) -> top::Options {
    let mut top_opts = opts.top.clone();
    top_opts.graph.granularity = Granularity::Functions;
    top_opts
}

/// Ranks call paths by the Δ they carry.
pub fn paths(a: &Profile, b: &Profile, opts: &PathOptions) -> Result<Paths, CompareError> {
    let joint = joint_tree(a, b, &paths_tree_options(opts), opts.normalize)?;
    Ok(paths_of(&joint, opts))
}

/// Ranks the call paths of a joint tree built with [`paths_tree_options`].
pub fn paths_of(joint: &JointTree, opts: &PathOptions) -> Paths {
    let (tree, a_info, b_info) = (&joint.tree, &joint.a, &joint.b);
    let ranked = rank_paths(tree, opts.top_n);
    let shown = fold_paths(tree, &ranked);
    let unit = a_info.sample_unit.clone();
    let max_total = a_info.total.max(b_info.total);
    let cells = shown.iter().flat_map(|p| {
        [tree.cum(p.node, TreeSide::A), tree.cum(p.node, TreeSide::B)].map(i64::wrapping_abs)
    });
    let output_unit = top::output_unit(cells, max_total, &unit);
    let fmt = |v: i64| units::scaled_label(v, &unit, &output_unit);
    let nodes = shown
        .iter()
        .map(|p| {
            let (a, b) = (tree.cum(p.node, TreeSide::A), tree.cum(p.node, TreeSide::B));
            let ends_node = p.offset + 1 == tree.frames(p.node).len();
            PathNode {
                name: tree.frame_name(tree.frames(p.node)[p.offset]).to_string(),
                depth: p.depth,
                a,
                b,
                a_text: fmt(a),
                b_text: fmt(b),
                delta_text: signed_label(b.wrapping_sub(a), &unit, &output_unit),
                rank: ranked
                    .iter()
                    .position(|&r| ends_node && r == p.node)
                    .map(|i| i + 1),
            }
        })
        .collect();
    let delta_total = b_info.total.wrapping_sub(a_info.total);
    Paths {
        a: side(a_info, &fmt),
        b: side(b_info, &fmt),
        sample_type: a_info.header.sample_type.clone(),
        delta_total_text: signed_label(delta_total, &unit, &output_unit),
        delta_total_pct_text: relative_change(delta_total, a_info.total),
        output_unit,
        normalized: opts.normalize,
        nodes,
        active_filters: opts.top.filters.active(),
        warnings: side_warnings(a_info, b_info),
    }
}

/// The `n` paths whose own samples changed most, by |Δ|, then in the order a frame-by-frame
/// tree would have created them. A path that samples end on ends at a tree node's last frame.
fn rank_paths(tree: &CallTree, n: usize) -> Vec<NodeId> {
    let self_delta = |i: NodeId| {
        tree.flat(i, TreeSide::B)
            .wrapping_sub(tree.flat(i, TreeSide::A))
    };
    let mut leaves: Vec<NodeId> = (1..tree.len() as NodeId)
        .filter(|&i| self_delta(i) != 0)
        .collect();
    let created = |i: NodeId| (tree.first_sample(i), tree.depth(i) + tree.frames(i).len());
    leaves.sort_by(|&l, &r| {
        self_delta(r)
            .unsigned_abs()
            .cmp(&self_delta(l).unsigned_abs())
            .then_with(|| created(l).cmp(&created(r)))
    });
    leaves.truncate(n);
    leaves
}

/// One frame of the folded path tree: a tree node, the frame's position in its run, its depth.
struct ShownFrame {
    node: NodeId,
    offset: usize,
    depth: usize,
}

/// The ranked paths and all their prefixes, frame by frame, depth-first, children by |Δ| then
/// name.
fn fold_paths(tree: &CallTree, ranked: &[NodeId]) -> Vec<ShownFrame> {
    let mut keep = vec![false; tree.len()];
    for &leaf in ranked {
        let mut at = leaf;
        while at != CallTree::ROOT && !keep[at as usize] {
            keep[at as usize] = true;
            at = tree.parent(at);
        }
    }
    let mut out = Vec::new();
    // An explicit stack, not recursion: stacks can be hundreds of thousands deep.
    let mut stack: Vec<NodeId> = kept_children(tree, CallTree::ROOT, &keep);
    stack.reverse();
    while let Some(node) = stack.pop() {
        let depth = tree.depth(node);
        for offset in 0..tree.frames(node).len() {
            out.push(ShownFrame {
                node,
                offset,
                depth: depth + offset,
            });
        }
        let mut kids = kept_children(tree, node, &keep);
        kids.reverse();
        stack.extend(kids);
    }
    out
}

fn kept_children(tree: &CallTree, node: NodeId, keep: &[bool]) -> Vec<NodeId> {
    let mut kids: Vec<NodeId> = tree
        .children(node)
        .iter()
        .copied()
        .filter(|&c| keep[c as usize])
        .collect();
    let delta = |i: NodeId| {
        tree.cum(i, TreeSide::B)
            .wrapping_sub(tree.cum(i, TreeSide::A))
            .unsigned_abs()
    };
    let name = |i: NodeId| tree.frame_name(tree.frames(i)[0]);
    kids.sort_by(|&l, &r| delta(r).cmp(&delta(l)).then_with(|| name(l).cmp(name(r))));
    kids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_changes() {
        assert_eq!(relative_change(50, 200), "+25%");
        assert_eq!(relative_change(-200, 200), "-100%");
        assert_eq!(relative_change(1, 3), "+33.33%");
        assert_eq!(relative_change(5, 0), "new");
        assert_eq!(relative_change(0, 0), "0%");
        assert_eq!(relative_change(0, 7), "0%");
    }
}

/// One caller or callee edge of a peeked function, in A and B.
#[derive(Debug, Clone, PartialEq)]
pub struct PeekEdge {
    pub name: String,
    pub a: i64,
    pub b: i64,
    pub a_text: String,
    pub b_text: String,
    pub delta_text: String,
    /// Inlined on every side where the edge exists.
    pub inline: bool,
}

/// A function's callers and callees with A, B and Δ per edge: pprof's peek, diff-aware.
#[derive(Debug, Clone, PartialEq)]
pub struct Peek {
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
    pub callers: Vec<PeekEdge>,
    pub callees: Vec<PeekEdge>,
}

/// What peek keeps of one side's selection.
struct PeekSide {
    sample_index: usize,
    sample_unit: String,
    sample_type: String,
    total: i64,
}

/// The callers and callees of the node printed as `name`, on whichever of A and B are given
/// (a missing side counts as empty). Edges are sorted by |Δ|, then by B, then by name.
pub fn peek(
    a: Option<&Profile>,
    b: Option<&Profile>,
    name: &str,
    opts: &Options,
) -> Result<Peek, CompareError> {
    let (a, b) = match (a, b) {
        (Some(a), Some(b)) => {
            let (a, b) = align(a, b, opts.normalize)?;
            (Some(a), Some(b))
        }
        (a, b) => (a.map(Cow::Borrowed), b.map(Cow::Borrowed)),
    };
    let top_opts = opts.top.clone();
    let side = |p: &Option<Cow<Profile>>, sample_index: &str, err: fn(TopError) -> CompareError| {
        p.as_ref()
            .map(|p| -> Result<_, CompareError> {
                let mut o = top_opts.clone();
                o.sample_index = sample_index.to_string();
                let sel = top::select(p, &o).map_err(err)?;
                let info = &sel.info;
                let n = graph::Neighbors::of(&sel.filtered, info.sample_index, &o.graph, name);
                let an = PeekSide {
                    sample_index: info.sample_index,
                    sample_unit: info.sample_unit.clone(),
                    sample_type: info.header.sample_type.clone(),
                    total: info.total,
                };
                Ok((an, n))
            })
            .transpose()
    };
    let a_side = side(&a, &opts.top.sample_index, CompareError::A)?;
    // B follows A's chosen type by name, as in compare.
    let b_index = match (&a, &a_side) {
        (Some(p), Some((an, _))) => p.sample_types[an.sample_index].ty.clone(),
        _ => opts.top.sample_index.clone(),
    };
    let b_side = side(&b, &b_index, CompareError::B)?;
    let any = a_side.as_ref().or(b_side.as_ref()).map(|(an, _)| an);
    let unit = any.map(|an| an.sample_unit.clone()).unwrap_or_default();
    let sample_type = any.map(|an| an.sample_type.clone()).unwrap_or_default();
    let max_total = [&a_side, &b_side]
        .iter()
        .filter_map(|s| s.as_ref().map(|(an, _)| an.total))
        .max()
        .unwrap_or(0);
    let empty = crate::graph::Neighbors::default();
    let na = a_side.as_ref().map_or(&empty, |(_, n)| n);
    let nb = b_side.as_ref().map_or(&empty, |(_, n)| n);
    let join = |x: &[(String, i64, bool)], y: &[(String, i64, bool)]| {
        let mut map: HashMap<&str, (i64, i64, bool)> = HashMap::new();
        for (n, w, inl) in x {
            let e = map.entry(n.as_str()).or_insert((0, 0, true));
            e.0 = e.0.wrapping_add(*w);
            e.2 &= inl;
        }
        for (n, w, inl) in y {
            let e = map.entry(n.as_str()).or_insert((0, 0, true));
            e.1 = e.1.wrapping_add(*w);
            e.2 &= inl;
        }
        let mut edges: Vec<(String, i64, i64, bool)> = map
            .into_iter()
            .map(|(n, (a, b, i))| (n.to_string(), a, b, i))
            .collect();
        edges.sort_by(|l, r| {
            let d = |e: &(String, i64, i64, bool)| e.2.wrapping_sub(e.1).unsigned_abs();
            d(r).cmp(&d(l))
                .then_with(|| r.2.unsigned_abs().cmp(&l.2.unsigned_abs()))
                .then_with(|| l.0.cmp(&r.0))
        });
        edges
    };
    let callers = join(&na.callers, &nb.callers);
    let callees = join(&na.callees, &nb.callees);
    let cells = [na.flat, nb.flat, na.cum, nb.cum]
        .into_iter()
        .chain(callers.iter().chain(&callees).flat_map(|e| [e.1, e.2]))
        .map(i64::wrapping_abs);
    let output_unit = top::output_unit(cells, max_total, &unit);
    let fmt = |v: i64| units::scaled_label(v, &unit, &output_unit);
    let signed = |v: i64| signed_label(v, &unit, &output_unit);
    let edges = |list: Vec<(String, i64, i64, bool)>| {
        list.into_iter()
            .map(|(name, a, b, inline)| PeekEdge {
                a_text: fmt(a),
                b_text: fmt(b),
                delta_text: signed(b.wrapping_sub(a)),
                name,
                a,
                b,
                inline,
            })
            .collect()
    };
    Ok(Peek {
        name: name.to_string(),
        sample_type,
        has_a: a_side.is_some(),
        has_b: b_side.is_some(),
        a_flat: na.flat,
        b_flat: nb.flat,
        a_cum: na.cum,
        b_cum: nb.cum,
        a_flat_text: fmt(na.flat),
        b_flat_text: fmt(nb.flat),
        delta_flat_text: signed(nb.flat.wrapping_sub(na.flat)),
        a_cum_text: fmt(na.cum),
        b_cum_text: fmt(nb.cum),
        delta_cum_text: signed(nb.cum.wrapping_sub(na.cum)),
        callers: edges(callers),
        callees: edges(callees),
        output_unit,
    })
}
