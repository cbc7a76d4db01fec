//! One compact call tree of one profile or of two (A and B in one arena), shared by the growth
//! paths, the flame graphs and whatever else needs whole call paths.
//!
//! The tree is a radix tree: a node holds a run of frames that no sample leaves or branches
//! from before its end, so every frame of a run carries the same weight. Stacks that share few
//! prefixes (hundreds of thousands of distinct stacks) cost one node per branching point instead
//! of one per frame, and no node holds a string: frames are ids into the tree's frame table,
//! which holds one printable name per distinct frame. A and B are walked into the same arena,
//! frames matched by printable name, so the joint tree is built without joining two trees.
//!
//! Nothing here recurses on input depth.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use crate::fxhash::FxHasher;
use crate::graph::{self, NodeTable};
use crate::profile::Profile;

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A frame of the tree's frame table.
pub type FrameId = u32;

/// A node of the tree. [`CallTree::ROOT`] is the virtual root above every stack; it has no
/// frames.
pub type NodeId = u32;

/// One side of the tree, for its weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    A = 0,
    B = 1,
}

/// One profile's part in a tree: the profile (already filtered) and its sample value.
#[derive(Debug, Clone, Copy)]
pub struct Input<'p> {
    pub profile: &'p Profile,
    pub value_index: usize,
}

/// The call tree. Every node remembers the first sample that reached it (A's samples numbered
/// first, then B's): with the depth, that orders paths as a tree built frame by frame, sample
/// after sample, would have created them.
#[derive(Debug, Clone, Default)]
pub struct CallTree {
    /// Printable name of each frame id.
    names: Vec<String>,
    parent: Vec<NodeId>,
    /// The node's run of frames is `arena[run_start..run_start + run_len]`.
    run_start: Vec<u32>,
    run_len: Vec<u32>,
    /// Depth of the node's first frame below the root frames (root frames are at depth 0).
    depth: Vec<u32>,
    /// Index of the first sample (A's samples numbered first, then B's) that reached the node.
    first: Vec<u32>,
    /// Weight of the samples through the node, and ending at its last frame, per side.
    cum: [Vec<i64>; 2],
    flat: [Vec<i64>; 2],
    arena: Vec<FrameId>,
    /// Children of each node, filled once the tree is built:
    /// `child_list[child_start[n]..child_start[n + 1]]`, in no meaningful order.
    child_start: Vec<u32>,
    child_list: Vec<NodeId>,
    sides: usize,
}

impl CallTree {
    pub const ROOT: NodeId = 0;

    /// Builds the tree of one profile (`b` is None) or of A and B, with the frames of `opts`'s
    /// granularity (inlined frames included unless `opts.noinlines`).
    pub fn build(a: Input, b: Option<Input>, opts: &graph::Options) -> CallTree {
        let mut builder = Builder::new();
        let mut sample_base = 0u32;
        for (side, input) in [(Side::A, Some(a)), (Side::B, b)] {
            let Some(input) = input else { continue };
            builder.add_side(side, input, opts, sample_base);
            sample_base = sample_base.saturating_add(input.profile.samples.len() as u32);
        }
        let mut tree = builder.tree;
        tree.sides = if b.is_some() { 2 } else { 1 };
        tree.index_children();
        tree
    }

    /// How many sides the tree holds (1 or 2).
    pub fn sides(&self) -> usize {
        self.sides
    }

    pub fn len(&self) -> usize {
        self.parent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parent.len() <= 1
    }

    pub fn parent(&self, n: NodeId) -> NodeId {
        self.parent[n as usize]
    }

    /// The node's frames, outermost first.
    pub fn frames(&self, n: NodeId) -> &[FrameId] {
        let start = self.run_start[n as usize] as usize;
        &self.arena[start..start + self.run_len[n as usize] as usize]
    }

    /// Depth of the node's first frame (0 for a root frame).
    pub fn depth(&self, n: NodeId) -> usize {
        self.depth[n as usize] as usize
    }

    /// The creation order of the node's frames: earlier samples first, then shallower frames.
    pub fn first_sample(&self, n: NodeId) -> u32 {
        self.first[n as usize]
    }

    pub fn cum(&self, n: NodeId, side: Side) -> i64 {
        self.cum[side as usize][n as usize]
    }

    /// The weight of the samples that end at the node's last frame.
    pub fn flat(&self, n: NodeId, side: Side) -> i64 {
        self.flat[side as usize][n as usize]
    }

    pub fn children(&self, n: NodeId) -> &[NodeId] {
        let (s, e) = (
            self.child_start[n as usize] as usize,
            self.child_start[n as usize + 1] as usize,
        );
        &self.child_list[s..e]
    }

    pub fn frame_name(&self, f: FrameId) -> &str {
        &self.names[f as usize]
    }

    /// How many distinct frames the tree uses.
    pub fn frame_count(&self) -> usize {
        self.names.len()
    }

    fn push_node(&mut self, parent: NodeId, run: (u32, u32), depth: u32, first: u32) -> NodeId {
        let id = self.parent.len() as NodeId;
        self.parent.push(parent);
        self.run_start.push(run.0);
        self.run_len.push(run.1);
        self.depth.push(depth);
        self.first.push(first);
        for side in 0..2 {
            self.cum[side].push(0);
            self.flat[side].push(0);
        }
        id
    }

    /// Fills the child lists from the parent links.
    fn index_children(&mut self) {
        let n = self.len();
        let mut counts = vec![0u32; n + 1];
        for &p in self.parent.iter().skip(1) {
            counts[p as usize + 1] += 1;
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let mut next = counts.clone();
        let mut list = vec![0 as NodeId; n.saturating_sub(1)];
        for (child, &p) in self.parent.iter().enumerate().skip(1) {
            list[next[p as usize] as usize] = child as NodeId;
            next[p as usize] += 1;
        }
        self.child_start = counts;
        self.child_list = list;
    }
}

/// Builds the radix tree one stack at a time.
struct Builder {
    tree: CallTree,
    /// (parent, first frame of the child's run) → child.
    child_of: FxMap<(NodeId, FrameId), NodeId>,
    /// Frame id of each printable name.
    frame_of: FxMap<String, FrameId>,
}

impl Builder {
    fn new() -> Builder {
        let mut tree = CallTree::default();
        tree.push_node(CallTree::ROOT, (0, 0), 0, 0);
        Builder {
            tree,
            child_of: FxMap::default(),
            frame_of: FxMap::default(),
        }
    }

    fn add_side(&mut self, side: Side, input: Input, opts: &graph::Options, sample_base: u32) {
        let table = NodeTable::build(input.profile, opts);
        // The tree's frame id of each of this side's graph nodes, made when first used.
        let mut frame_ids: Vec<Option<FrameId>> = vec![None; table.len()];
        let mut stack: Vec<FrameId> = Vec::with_capacity(64);
        for (s, _, w) in graph::weighted(input.profile, input.value_index) {
            stack.clear();
            table.walk(input.profile.samples.stack(s), |node, _| {
                let id = *frame_ids[node as usize].get_or_insert_with(|| {
                    let name = table.info(node).printable_name();
                    let next = self.tree.names.len() as FrameId;
                    *self.frame_of.entry(name).or_insert_with_key(|name| {
                        self.tree.names.push(name.clone());
                        next
                    })
                });
                stack.push(id);
            });
            let first = sample_base.saturating_add(s as u32);
            self.insert(side, &stack, w, first);
        }
    }

    /// Adds one stack (root first) of weight `w`.
    fn insert(&mut self, side: Side, stack: &[FrameId], w: i64, first: u32) {
        let s = side as usize;
        let mut node = CallTree::ROOT;
        self.add(s, node, w);
        let mut i = 0;
        while i < stack.len() {
            match self.child_of.get(&(node, stack[i])).copied() {
                None => {
                    node = self.new_run(node, &stack[i..], i, first);
                    i = stack.len();
                }
                Some(child) => {
                    let run = self.tree.frames(child);
                    let common = run
                        .iter()
                        .zip(&stack[i..])
                        .take_while(|(x, y)| x == y)
                        .count();
                    node = if common < run.len() {
                        self.split(child, common)
                    } else {
                        child
                    };
                    i += common;
                }
            }
            self.add(s, node, w);
        }
        let flat = &mut self.tree.flat[s][node as usize];
        *flat = flat.wrapping_add(w);
    }

    fn add(&mut self, side: usize, node: NodeId, w: i64) {
        let cum = &mut self.tree.cum[side][node as usize];
        *cum = cum.wrapping_add(w);
    }

    /// A new child of `parent` holding the rest of a stack, `run`, which starts at `depth`.
    fn new_run(&mut self, parent: NodeId, run: &[FrameId], depth: usize, first: u32) -> NodeId {
        let t = &mut self.tree;
        let start = t.arena.len() as u32;
        t.arena.extend_from_slice(run);
        let node = t.push_node(parent, (start, run.len() as u32), depth as u32, first);
        self.child_of.insert((parent, run[0]), node);
        node
    }

    /// Splits `node`'s run after `at` frames (0 < at < run length): a new node takes the first
    /// `at` frames and `node` keeps the rest below it. Returns the new upper node.
    fn split(&mut self, node: NodeId, at: usize) -> NodeId {
        let t = &mut self.tree;
        let n = node as usize;
        let parent = t.parent[n];
        let (start, len) = (t.run_start[n], t.run_len[n]);
        let head = t.arena[start as usize];
        let upper = t.push_node(parent, (start, at as u32), t.depth[n], t.first[n]);
        let u = upper as usize;
        for side in 0..2 {
            // Every sample through the lower part passed through the upper part.
            t.cum[side][u] = t.cum[side][n];
        }
        t.parent[n] = upper;
        t.run_start[n] = start + at as u32;
        t.run_len[n] = len - at as u32;
        t.depth[n] += at as u32;
        let rest_head = t.arena[t.run_start[n] as usize];
        self.child_of.insert((parent, head), upper);
        self.child_of.insert((upper, rest_head), node);
        upper
    }
}
