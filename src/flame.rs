//! Flame graphs of one profile or of A and B, on the compact call tree ([`CallTree`]).
//!
//! A flame graph frame is a position in the tree: a node and an offset into its run of
//! frames. Every frame of a run has the node's weights, and only the run's last frame can have
//! self weight. The page never receives the whole tree: [`Flame::view`] lays out, for one zoom
//! and one width base (A or B), only the frames wider than a fraction of the zoomed frame,
//! siblings in name order (so A and B place a frame alike), as columns of numbers and the
//! names they use. Search, frame details and the folded text read the same tree.
//!
//! Nothing here recurses on input depth.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

use regex::{Regex, RegexBuilder};
use serde::Deserialize;

use crate::calltree::{CallTree, FrameId, Input, NodeId, Side};
use crate::compare::{self, CompareError};
use crate::profile::Profile;
use crate::top::{self, Selection};

/// What a flame graph is built from: the `top` options (sample index, granularity, filters),
/// A scaled to B's total first (`normalize`), and the orientation.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub top: top::Options,
    pub normalize: bool,
    /// Bottom-up: leaf frames are the roots and their callers lie above them.
    pub inverted: bool,
}

/// A frame of the graph: `tree.frames(node)[offset]` on one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Frame {
    pub node: NodeId,
    pub offset: u32,
}

/// The call tree of one or two profiles with what the views need to label it.
#[derive(Debug, Clone)]
pub struct Flame {
    tree: CallTree,
    /// pprof's report totals (Σ|value| before the filters) of A and B (0 for a missing B).
    pub totals: [i64; 2],
    pub sample_type: String,
    pub sample_unit: String,
    /// The one unit every value of the graph is printed in.
    pub output_unit: String,
    pub inverted: bool,
    pub warnings: Vec<String>,
    pub active_filters: Vec<String>,
    /// The last search, which does not depend on the zoom: a zoom with a search on screen
    /// does not walk the whole tree again.
    search_cache: RefCell<Option<CachedSearch>>,
    /// Each frame id's position in name order: siblings sort by a number, not by strings.
    name_rank: Vec<u32>,
}

#[derive(Debug, Clone)]
struct CachedSearch {
    query: String,
    base: Side,
    max_matches: usize,
    ids: Vec<bool>,
    matched: [i64; 2],
    /// Frame ids root first.
    targets: Vec<Vec<FrameId>>,
}

/// Builds the flame graph of `a`, or of A and B when `b` is given (aligned and selected as
/// `compare::paths` does).
pub fn build(a: &Profile, b: Option<&Profile>, opts: &Options) -> Result<Flame, CompareError> {
    match b {
        None => {
            let sel = top::select(a, &opts.top).map_err(CompareError::A)?;
            let warnings = sel.info.warnings.clone();
            Ok(Flame::from_selections(&sel, None, opts, warnings))
        }
        Some(b) => {
            let (a, b) = compare::align(a, b, opts.normalize)?;
            let (a_sel, b_sel) = compare::select_both(&a, &b, &opts.top)?;
            let warnings = compare::side_warnings(&a_sel.info, &b_sel.info);
            Ok(Flame::from_selections(&a_sel, Some(&b_sel), opts, warnings))
        }
    }
}

/// What the page asks [`Flame::view`] for.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ViewRequest {
    /// Whose weights give the widths: "a" or "b" ("" is B when there is a B).
    pub base: String,
    /// The zoomed frame's path, names root first; empty for the whole graph.
    pub zoom: Vec<String>,
    /// Frames narrower than this fraction of the zoomed frame are left out with their subtree.
    pub min_fraction: f64,
    /// A case-insensitive regexp (a plain substring when it is not one); "" for none.
    pub search: String,
    /// How many matching frames to list, heaviest first.
    pub max_matches: usize,
    /// The bottom-up graph (chooses the tree; the layout reads nothing else of it).
    pub inverted: bool,
}

impl Default for ViewRequest {
    fn default() -> ViewRequest {
        ViewRequest {
            base: String::new(),
            zoom: Vec::new(),
            min_fraction: 0.0,
            search: String::new(),
            max_matches: 200,
            inverted: false,
        }
    }
}

/// The laid-out frames, in depth-first order, one entry per column: the zoomed frame's
/// ancestors first (drawn across the whole width), then the zoomed frame and its visible
/// descendants.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub frames: Vec<Frame>,
    /// Index of the parent row, or -1.
    pub parent: Vec<i32>,
    pub depth: Vec<u32>,
    /// Index into `names`.
    pub name: Vec<u32>,
    /// Start of the frame in base-side weight from the zoomed frame's start (0 for ancestors).
    pub x: Vec<i64>,
    pub cum: [Vec<i64>; 2],
    pub flat: [Vec<i64>; 2],
    pub matched: Vec<bool>,
    pub names: Vec<String>,
    /// How many rows are the zoomed frame's ancestors.
    pub ancestors: usize,
    /// The base weight the view's width stands for (the zoomed frame's, or the root's).
    pub span: i64,
    pub base: Side,
    /// The zoom path was found (an unknown path shows the whole graph).
    pub zoomed: bool,
    pub search: Option<SearchResult>,
}

/// What a search found: weights of the samples with at least one matching frame (each sample
/// counted once), and the heaviest matching frames as paths of indexes into the view's names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchResult {
    pub matched: [i64; 2],
    pub targets: Vec<Vec<u32>>,
}

/// A frame's weights, for a tooltip or the details panel.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameDetails {
    pub name: String,
    pub path: Vec<String>,
    pub cum: [i64; 2],
    pub flat: [i64; 2],
}

impl Flame {
    fn from_selections(
        a: &Selection,
        b: Option<&Selection>,
        opts: &Options,
        warnings: Vec<String>,
    ) -> Flame {
        let a_in = Input {
            profile: &a.filtered,
            value_index: a.info.sample_index,
        };
        let b_in = b.map(|b| Input {
            profile: &b.filtered,
            value_index: b.info.sample_index,
        });
        let tree = if opts.inverted {
            CallTree::build_inverted(a_in, b_in, &opts.top.graph)
        } else {
            CallTree::build(a_in, b_in, &opts.top.graph)
        };
        let totals = [a.info.total, b.map_or(0, |b| b.info.total)];
        let max_total = totals[0].max(totals[1]);
        let output_unit = top::output_unit(totals.into_iter(), max_total, &a.info.sample_unit);
        Flame {
            tree,
            totals,
            sample_type: a.info.header.sample_type.clone(),
            sample_unit: a.info.sample_unit.clone(),
            output_unit,
            inverted: opts.inverted,
            warnings,
            active_filters: opts.top.filters.active(),
            search_cache: RefCell::new(None),
            name_rank: Vec::new(),
        }
        .with_name_ranks()
    }

    fn with_name_ranks(mut self) -> Flame {
        let mut ids: Vec<FrameId> = (0..self.tree.frame_count() as FrameId).collect();
        ids.sort_by(|&l, &r| self.tree.frame_name(l).cmp(self.tree.frame_name(r)));
        let mut rank = vec![0u32; ids.len()];
        for (i, &id) in ids.iter().enumerate() {
            rank[id as usize] = i as u32;
        }
        self.name_rank = rank;
        self
    }

    /// 1 or 2.
    pub fn sides(&self) -> usize {
        self.tree.sides()
    }

    pub fn tree(&self) -> &CallTree {
        &self.tree
    }

    /// The weight of all samples in the graph (after the filters), per side.
    pub fn root_cum(&self, side: Side) -> i64 {
        self.tree.cum(CallTree::ROOT, side)
    }

    pub fn frame_id(&self, f: Frame) -> FrameId {
        self.tree.frames(f.node)[f.offset as usize]
    }

    pub fn name(&self, f: Frame) -> &str {
        self.tree.frame_name(self.frame_id(f))
    }

    pub fn cum(&self, f: Frame, side: Side) -> i64 {
        self.tree.cum(f.node, side)
    }

    /// Weight of the samples ending at this frame: only a run's last frame has any.
    pub fn flat(&self, f: Frame, side: Side) -> i64 {
        if f.offset as usize + 1 == self.tree.frames(f.node).len() {
            self.tree.flat(f.node, side)
        } else {
            0
        }
    }

    pub fn parent(&self, f: Frame) -> Option<Frame> {
        if f.offset > 0 {
            return Some(Frame {
                node: f.node,
                offset: f.offset - 1,
            });
        }
        let p = self.tree.parent(f.node);
        (p != CallTree::ROOT).then(|| Frame {
            node: p,
            offset: self.tree.frames(p).len() as u32 - 1,
        })
    }

    /// The frames below `f` (the root frames for None), in no order.
    pub fn children(&self, f: Option<Frame>) -> Vec<Frame> {
        match f {
            Some(f) if (f.offset as usize) + 1 < self.tree.frames(f.node).len() => vec![Frame {
                node: f.node,
                offset: f.offset + 1,
            }],
            _ => {
                let node = f.map_or(CallTree::ROOT, |f| f.node);
                self.tree
                    .children(node)
                    .iter()
                    .map(|&c| Frame { node: c, offset: 0 })
                    .collect()
            }
        }
    }

    /// `f` and its ancestors, root first.
    pub fn lineage(&self, f: Frame) -> Vec<Frame> {
        let mut out = vec![f];
        let mut at = f;
        while let Some(p) = self.parent(at) {
            out.push(p);
            at = p;
        }
        out.reverse();
        out
    }

    /// The frame at the end of a path of names (root first), if the graph has it.
    pub fn resolve(&self, path: &[String]) -> Option<Frame> {
        let mut at: Option<Frame> = None;
        for name in path {
            let next = self
                .children(at)
                .into_iter()
                .find(|&c| self.name(c) == name)?;
            at = Some(next);
        }
        at
    }

    pub fn details(&self, f: Frame) -> FrameDetails {
        let path = self
            .lineage(f)
            .into_iter()
            .map(|g| self.name(g).to_string())
            .collect();
        FrameDetails {
            name: self.name(f).to_string(),
            path,
            cum: [self.cum(f, Side::A), self.cum(f, Side::B)],
            flat: [self.flat(f, Side::A), self.flat(f, Side::B)],
        }
    }

    /// The side whose weights give widths: B by default when there is one.
    pub fn base_side(&self, name: &str) -> Side {
        match name {
            "a" | "A" => Side::A,
            _ if self.sides() == 2 => Side::B,
            _ => Side::A,
        }
    }

    /// Lays out the frames of `req` (see [`ViewRequest`]).
    pub fn view(&self, req: &ViewRequest) -> View {
        let base = self.base_side(&req.base);
        let zoom = if req.zoom.is_empty() {
            None
        } else {
            self.resolve(&req.zoom)
        };
        let mut out = ViewBuilder::new(self, base);
        out.view.zoomed = zoom.is_some() || req.zoom.is_empty();
        let span = zoom
            .map_or(self.root_cum(base), |z| self.cum(z, base))
            .max(0);
        out.view.span = span;
        let found = self.cached_search(&req.search, base, req.max_matches);
        let is_match = |f: Frame| {
            found
                .as_ref()
                .is_some_and(|c| c.ids[self.frame_id(f) as usize])
        };
        let mut parent_row: i32 = -1;
        let mut depth = 0u32;
        if let Some(z) = zoom {
            let lineage = self.lineage(z);
            for &f in &lineage[..lineage.len() - 1] {
                parent_row = out.push(f, parent_row, depth, 0, is_match(f));
                depth += 1;
            }
            out.view.ancestors = lineage.len() - 1;
        }
        let min_width = (req.min_fraction.max(0.0) * span as f64).max(f64::MIN_POSITIVE);
        let wide_enough = |w: i64| w > 0 && w as f64 >= min_width;
        // (frame, parent row, depth, x): an explicit stack, never recursion.
        let mut stack: Vec<(Frame, i32, u32, i64)> = Vec::new();
        match zoom {
            Some(z) => stack.push((z, parent_row, depth, 0)),
            None => self.push_children(None, -1, 0, 0, &mut stack, &wide_enough, base),
        }
        while let Some((f, parent, d, x)) = stack.pop() {
            let row = out.push(f, parent, d, x, is_match(f));
            self.push_children(Some(f), row, d + 1, x, &mut stack, &wide_enough, base);
        }
        if let Some(c) = &found {
            let targets = c
                .targets
                .iter()
                .map(|path| path.iter().map(|&id| out.name_index(id)).collect())
                .collect();
            out.view.search = Some(SearchResult {
                matched: c.matched,
                targets,
            });
        }
        out.view
    }

    /// Pushes `f`'s visible children on the stack, in reverse name order so that they pop in
    /// name order, with their x positions.
    #[allow(clippy::too_many_arguments)]
    fn push_children(
        &self,
        f: Option<Frame>,
        row: i32,
        depth: u32,
        x: i64,
        stack: &mut Vec<(Frame, i32, u32, i64)>,
        wide_enough: &dyn Fn(i64) -> bool,
        base: Side,
    ) {
        let mut kids = self.children(f);
        kids.sort_unstable_by_key(|&c| self.name_rank[self.frame_id(c) as usize]);
        let mut at = x;
        let start = stack.len();
        for c in kids {
            let w = self.cum(c, base);
            if wide_enough(w) {
                stack.push((c, row, depth, at));
            }
            at = at.wrapping_add(w.max(0));
        }
        stack[start..].reverse();
    }

    /// Which frame ids match, by frame id.
    fn matching_frame_ids(&self, m: &Matcher) -> Vec<bool> {
        (0..self.tree.frame_count())
            .map(|id| m.is_match(self.tree.frame_name(id as FrameId)))
            .collect()
    }

    /// The weight of the samples with a matching frame, each counted once (the outermost
    /// match of each path), and the heaviest matching frames.
    fn search(
        &self,
        ids: &[bool],
        base: Side,
        max_matches: usize,
    ) -> ([i64; 2], Vec<Vec<FrameId>>) {
        let mut matched = [0i64; 2];
        // Heaviest first, then earlier nodes: a min-heap of the best `max_matches`.
        let mut best: BinaryHeap<Reverse<(i64, Reverse<Frame>)>> = BinaryHeap::new();
        let mut stack: Vec<(NodeId, bool)> = vec![(CallTree::ROOT, false)];
        while let Some((node, under_match)) = stack.pop() {
            let mut inside = under_match;
            for (offset, &id) in self.tree.frames(node).iter().enumerate() {
                if !ids[id as usize] {
                    continue;
                }
                if !inside {
                    inside = true;
                    for (side, m) in matched.iter_mut().enumerate().take(self.sides()) {
                        let s = if side == 0 { Side::A } else { Side::B };
                        *m = m.wrapping_add(self.tree.cum(node, s));
                    }
                }
                let f = Frame {
                    node,
                    offset: offset as u32,
                };
                let w = self.cum(f, base);
                if w > 0 && max_matches > 0 {
                    best.push(Reverse((w, Reverse(f))));
                    if best.len() > max_matches {
                        best.pop();
                    }
                }
            }
            for &c in self.tree.children(node) {
                stack.push((c, inside));
            }
        }
        let mut ranked: Vec<(i64, Frame)> = best
            .into_iter()
            .map(|Reverse((w, Reverse(f)))| (w, f))
            .collect();
        ranked.sort_by(|l, r| r.0.cmp(&l.0).then(l.1.cmp(&r.1)));
        let targets = ranked
            .into_iter()
            .map(|(_, f)| {
                self.lineage(f)
                    .into_iter()
                    .map(|g| self.frame_id(g))
                    .collect()
            })
            .collect();
        (matched, targets)
    }

    /// The search of `query` (None when it is empty), from the cache when it was the last.
    fn cached_search(&self, query: &str, base: Side, max_matches: usize) -> Option<CachedSearch> {
        let matcher = search_matcher(query)?;
        let mut cache = self.search_cache.borrow_mut();
        let hit = cache
            .as_ref()
            .is_some_and(|c| c.query == query && c.base == base && c.max_matches == max_matches);
        if !hit {
            let ids = self.matching_frame_ids(&matcher);
            let (matched, targets) = self.search(&ids, base, max_matches);
            *cache = Some(CachedSearch {
                query: query.to_string(),
                base,
                max_matches,
                ids,
                matched,
                targets,
            });
        }
        cache.clone()
    }

    /// Every distinct stack with its weights, root first, for the folded text: calls `emit`
    /// with the frame names and the self weights of each path samples end on.
    pub fn for_each_stack(&self, mut emit: impl FnMut(&[&str], [i64; 2])) {
        let mut names: Vec<&str> = Vec::new();
        // (node, length of `names` before the node's run).
        let mut stack: Vec<(NodeId, usize)> = self
            .tree
            .children(CallTree::ROOT)
            .iter()
            .map(|&c| (c, 0))
            .collect();
        while let Some((node, len)) = stack.pop() {
            names.truncate(len);
            names.extend(
                self.tree
                    .frames(node)
                    .iter()
                    .map(|&f| self.tree.frame_name(f)),
            );
            let flat = [self.tree.flat(node, Side::A), self.tree.flat(node, Side::B)];
            if flat != [0, 0] {
                emit(&names, flat);
            }
            let here = names.len();
            stack.extend(self.tree.children(node).iter().map(|&c| (c, here)));
        }
    }
}

/// Collects the view's rows and its name table.
struct ViewBuilder<'f> {
    flame: &'f Flame,
    view: View,
    /// Local name index of each frame id, u32::MAX when not used yet.
    local: Vec<u32>,
}

impl<'f> ViewBuilder<'f> {
    fn new(flame: &'f Flame, base: Side) -> ViewBuilder<'f> {
        ViewBuilder {
            flame,
            view: View {
                frames: Vec::new(),
                parent: Vec::new(),
                depth: Vec::new(),
                name: Vec::new(),
                x: Vec::new(),
                cum: [Vec::new(), Vec::new()],
                flat: [Vec::new(), Vec::new()],
                matched: Vec::new(),
                names: Vec::new(),
                ancestors: 0,
                span: 0,
                base,
                zoomed: false,
                search: None,
            },
            local: vec![u32::MAX; flame.tree.frame_count()],
        }
    }

    fn name_index(&mut self, id: FrameId) -> u32 {
        let slot = &mut self.local[id as usize];
        if *slot == u32::MAX {
            *slot = self.view.names.len() as u32;
            self.view
                .names
                .push(self.flame.tree.frame_name(id).to_string());
        }
        *slot
    }

    fn push(&mut self, f: Frame, parent: i32, depth: u32, x: i64, matched: bool) -> i32 {
        let row = self.view.frames.len() as i32;
        let name = self.name_index(self.flame.frame_id(f));
        let v = &mut self.view;
        v.frames.push(f);
        v.parent.push(parent);
        v.depth.push(depth);
        v.name.push(name);
        v.x.push(x);
        for (i, side) in [Side::A, Side::B].into_iter().enumerate() {
            v.cum[i].push(self.flame.cum(f, side));
            v.flat[i].push(self.flame.flat(f, side));
        }
        v.matched.push(matched);
        row
    }
}

/// The page's search: a case-insensitive regexp, or a plain case-insensitive substring when
/// the text is not a valid regexp (as `#search` does for the tables).
pub enum Matcher {
    Regex(Regex),
    Substring(String),
}

impl Matcher {
    pub fn is_match(&self, name: &str) -> bool {
        match self {
            Matcher::Regex(re) => re.is_match(name),
            Matcher::Substring(s) => name.to_lowercase().contains(s),
        }
    }
}

/// None for an empty search.
pub fn search_matcher(query: &str) -> Option<Matcher> {
    let q = query.trim();
    if q.is_empty() {
        return None;
    }
    Some(
        match RegexBuilder::new(q)
            .case_insensitive(true)
            .size_limit(1 << 20)
            .build()
        {
            Ok(re) => Matcher::Regex(re),
            Err(_) => Matcher::Substring(q.to_lowercase()),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substring_when_not_a_regexp() {
        let m = search_matcher("(*conn").expect("a matcher");
        assert!(m.is_match("net/http.(*Conn).serve"));
        assert!(search_matcher("  ").is_none());
        let r = search_matcher("^net/").expect("a matcher");
        assert!(r.is_match("NET/http.x"));
        assert!(!r.is_match("x.net/"));
    }
}
