//! Profile → the nodes of pprof's call graph at a chosen granularity, with flat and cum
//! weights, trimmed and sorted as `go tool pprof -top` trims and sorts them
//! (pprof's `internal/graph` and `report.newTrimmedGraph`).
//!
//! Every line of every location is a node (inlined frames included); a location without
//! lines is one node for its address and binary. Per sample, cum is added once to each node
//! on the stack, however often it recurs, and flat goes to the leaf-most frame.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::ops::Range;

use crate::fxhash::FxHasher;
use crate::parallel;
use crate::profile::Profile;

/// What one node stands for, pprof's `-granularity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Granularity {
    /// One node per function name.
    #[default]
    Functions,
    /// One node per function name and source file.
    FileFunctions,
    /// One node per source file.
    Files,
    /// One node per function, file and line.
    Lines,
    /// One node per address, function, file and line.
    Addresses,
}

impl Granularity {
    pub const ALL: [Granularity; 5] = [
        Granularity::Functions,
        Granularity::FileFunctions,
        Granularity::Files,
        Granularity::Lines,
        Granularity::Addresses,
    ];

    /// The name pprof gives the granularity.
    pub fn name(self) -> &'static str {
        match self {
            Granularity::Functions => "functions",
            Granularity::FileFunctions => "filefunctions",
            Granularity::Files => "files",
            Granularity::Lines => "lines",
            Granularity::Addresses => "addresses",
        }
    }

    pub fn from_name(name: &str) -> Option<Granularity> {
        Granularity::ALL.into_iter().find(|g| g.name() == name)
    }
}

/// How to build and trim the graph. The defaults are `go tool pprof -top`'s.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub granularity: Granularity,
    /// `-noinlines`: attribute inlined frames to the function they were inlined into.
    pub noinlines: bool,
    /// `-cum`: sort by cumulative instead of flat weight.
    pub cum_sort: bool,
    /// `-nodefraction`: drop nodes whose |cum| is below this share of the summed flat weight.
    pub node_fraction: f64,
    /// `-edgefraction`: ignore edges below this share when labelling inlined nodes.
    pub edge_fraction: f64,
    /// `-nodecount`: keep at most this many nodes after sorting; 0 keeps all.
    pub node_count: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            granularity: Granularity::Functions,
            noinlines: false,
            cum_sort: false,
            node_fraction: 0.005,
            edge_fraction: 0.001,
            node_count: 0,
        }
    }
}

/// Identity of a node, pprof's `NodeInfo` (OrigName is always empty in these reports).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct NodeInfo {
    pub name: String,
    pub address: u64,
    pub file: String,
    pub start_line: i64,
    pub lineno: i64,
    pub objfile: String,
}

impl NodeInfo {
    /// pprof's `PrintableName`: address, name, then `file:line`, the file, `[binary]` or
    /// `<unknown>`.
    pub fn printable_name(&self) -> String {
        let mut parts: Vec<String> = Vec::with_capacity(3);
        if self.address != 0 {
            parts.push(format!("{:016x}", self.address));
        }
        if !self.name.is_empty() {
            parts.push(self.name.clone());
        }
        if self.lineno != 0 {
            parts.push(format!("{}:{}", self.file, self.lineno));
        } else if !self.file.is_empty() {
            parts.push(self.file.clone());
        } else if !self.name.is_empty() {
            // The name already says it all.
        } else if !self.objfile.is_empty() {
            parts.push(format!("[{}]", go_base(&self.objfile)));
        } else {
            parts.push("<unknown>".to_string());
        }
        parts.join(" ")
    }

    /// Go's `fmt.Sprint` of the NodeInfo struct, pprof's last-resort tie-break.
    fn go_sprint(&self) -> String {
        format!(
            "{{{}  {} {} {} {} {}}}",
            self.name, self.address, self.file, self.start_line, self.lineno, self.objfile
        )
    }
}

/// How a node was reached from its callers, shown after its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InlineLabel {
    /// Called normally, or no callers left after trimming.
    #[default]
    None,
    /// Every surviving caller edge is an inlined call.
    Inline,
    /// Some surviving caller edges are inlined calls and some are not.
    PartialInline,
}

impl InlineLabel {
    pub fn as_str(self) -> &'static str {
        match self {
            InlineLabel::None => "",
            InlineLabel::Inline => "(inline)",
            InlineLabel::PartialInline => "(partial-inline)",
        }
    }
}

/// A node of the trimmed graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub info: NodeInfo,
    /// The printable name, computed once.
    pub name: String,
    pub flat: i64,
    pub cum: i64,
    pub inline: InlineLabel,
}

/// The nodes `top` shows, in display order, and what trimming removed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
    /// Nodes left after the node-fraction cut, before the node-count cut.
    pub orig_count: usize,
    /// Nodes removed by the node-fraction cut.
    pub dropped_nodes: usize,
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Dense id of a node in the untrimmed graph.
pub(crate) type NodeId = u32;

/// The untrimmed graph's node table: which node each location line maps to.
pub(crate) struct NodeTable {
    /// Identity of each node; `info` turns one into a `NodeInfo` when a report needs it.
    keys: Vec<NodeKey>,
    strings: Canon,
    /// Node ids of location `l` are `loc_nodes[loc_ends[l-1]..loc_ends[l]]`, in line order
    /// (innermost inlined callee first).
    loc_nodes: Vec<NodeId>,
    loc_ends: Vec<u32>,
    /// The node of each location that has exactly one (most do), else `SEVERAL`: one read per
    /// frame on the hot paths instead of three.
    single: Vec<NodeId>,
    /// Whether the node ever appears as an inlined (not last) line of a location: only such
    /// nodes can carry an inline label, so only their caller edges are tracked.
    ever_inlined: Vec<bool>,
}

/// `NodeTable::single` of a location with several lines (inlined calls).
const SEVERAL: NodeId = NodeId::MAX;

impl NodeTable {
    /// Maps every location line to its node. Identity is computed on integers (canonical
    /// string ids), and the `NodeInfo` strings are built once per node.
    pub(crate) fn build(profile: &Profile, opts: &Options) -> NodeTable {
        let g = opts.granularity;
        let keeps_name = g != Granularity::Files;
        let keeps_file = g != Granularity::Functions;
        let keeps_line = matches!(g, Granularity::Lines | Granularity::Addresses);
        let mut strings = Canon::default();
        let objfiles: Vec<u32> = profile
            .mappings
            .iter()
            .map(|m| strings.intern(&m.file))
            .collect();
        // (name, file) of each function, computed when first seen.
        let mut functions: Vec<Option<(u32, u32)>> = vec![None; profile.functions.len()];
        let mut ids: FxMap<NodeKey, NodeId> = FxMap::default();
        let mut keys: Vec<NodeKey> = Vec::new();
        let mut ever_inlined: Vec<bool> = Vec::new();
        let mut loc_nodes = Vec::with_capacity(profile.locations.len() * 2);
        let mut loc_ends = Vec::with_capacity(profile.locations.len());
        let mut single = Vec::with_capacity(profile.locations.len());
        for loc in &profile.locations {
            let lines: &[crate::profile::Line] = if opts.noinlines && loc.lines.len() > 1 {
                &loc.lines[loc.lines.len() - 1..]
            } else {
                &loc.lines
            };
            let address = if g == Granularity::Addresses {
                loc.address
            } else {
                0
            };
            let objfile = loc.mapping.map_or(0, |m| objfiles[m.0 as usize]);
            let n = lines.len().max(1);
            for i in 0..n {
                let key = match lines.get(i) {
                    None => NodeKey {
                        address,
                        objfile,
                        ..NodeKey::default()
                    },
                    Some(line) => {
                        let f = profile.function(line.function);
                        let (name, file) =
                            *functions[line.function.0 as usize].get_or_insert_with(|| {
                                let name = if keeps_name {
                                    strings.intern(profile.str(f.name))
                                } else {
                                    0
                                };
                                let file = if keeps_file {
                                    strings.intern_file(profile.str(f.filename))
                                } else {
                                    0
                                };
                                (name, file)
                            });
                        // The binary and start line only tell nameless functions apart.
                        let (objfile, start_line) = if name == 0 {
                            (objfile, f.start_line)
                        } else {
                            (0, 0)
                        };
                        NodeKey {
                            name,
                            file,
                            objfile,
                            address,
                            start_line,
                            lineno: if keeps_line { line.line } else { 0 },
                        }
                    }
                };
                let id = *ids.entry(key).or_insert_with(|| {
                    keys.push(key);
                    ever_inlined.push(false);
                    (keys.len() - 1) as NodeId
                });
                if i + 1 < n {
                    ever_inlined[id as usize] = true;
                }
                loc_nodes.push(id);
            }
            loc_ends.push(loc_nodes.len() as u32);
            single.push(if n == 1 {
                loc_nodes[loc_nodes.len() - 1]
            } else {
                SEVERAL
            });
        }
        NodeTable {
            keys,
            strings,
            loc_nodes,
            loc_ends,
            single,
            ever_inlined,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// The `NodeInfo` of a node, built on demand: most nodes of a large profile are trimmed
    /// and never need their strings.
    pub(crate) fn info(&self, id: NodeId) -> NodeInfo {
        let k = &self.keys[id as usize];
        NodeInfo {
            name: self.strings.get(k.name).to_string(),
            address: k.address,
            file: self.strings.get(k.file).to_string(),
            start_line: k.start_line,
            lineno: k.lineno,
            objfile: self.strings.get(k.objfile).to_string(),
        }
    }

    fn nodes_of(&self, loc: usize) -> &[NodeId] {
        let start = if loc == 0 {
            0
        } else {
            self.loc_ends[loc - 1] as usize
        };
        &self.loc_nodes[start..self.loc_ends[loc] as usize]
    }

    /// Calls `f(node, inlined)` for every frame of `stack` (stored leaf first) from the root to
    /// the leaf: locations outermost first and, in each, its lines from the physical function
    /// to the innermost inlined callee. `inlined` is true for the inlined callees.
    #[inline]
    pub(crate) fn walk(&self, stack: &[crate::profile::LocIdx], mut f: impl FnMut(NodeId, bool)) {
        for loc in stack.iter().rev() {
            let loc = loc.0 as usize;
            let node = self.single[loc];
            if node != SEVERAL {
                f(node, false);
                continue;
            }
            let nodes = self.nodes_of(loc);
            for (i, &node) in nodes.iter().enumerate().rev() {
                f(node, i + 1 != nodes.len());
            }
        }
    }
}

/// A node's identity in integers: canonical string ids (0 is "") and numbers. Two nodes are
/// the same node exactly when their `NodeInfo`s are equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
struct NodeKey {
    name: u32,
    file: u32,
    objfile: u32,
    address: u64,
    start_line: i64,
    lineno: i64,
}

/// Canonical ids for strings, so that equal strings get equal ids whatever their string-table
/// index; file names are cleaned as pprof cleans them on the way in.
struct Canon {
    ids: FxMap<Box<str>, u32>,
    strings: Vec<Box<str>>,
    files: FxMap<Box<str>, u32>,
}

impl Default for Canon {
    fn default() -> Canon {
        let mut c = Canon {
            ids: FxMap::default(),
            strings: Vec::new(),
            files: FxMap::default(),
        };
        c.intern("");
        c
    }
}

impl Canon {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.strings.len() as u32;
        self.strings.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    /// The id of a file name after pprof's trimPath and path.Clean.
    fn intern_file(&mut self, raw: &str) -> u32 {
        if let Some(&id) = self.files.get(raw) {
            return id;
        }
        let trimmed = trim_path(raw);
        let id = if trimmed.is_empty() {
            0
        } else {
            self.intern(&go_clean(trimmed))
        };
        self.files.insert(raw.into(), id);
        id
    }

    fn get(&self, id: u32) -> &str {
        &self.strings[id as usize]
    }
}

/// pprof's `trimPath` with no -trim_path or -source_path: drops a `/proc/self/cwd/` prefix.
fn trim_path(path: &str) -> &str {
    for prefix in ["/proc/self/cwd/./", "/proc/self/cwd/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            return rest;
        }
    }
    path
}

/// Go's `path.Clean` (what `filepath.Clean` does on Unix).
pub fn go_clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let bytes = path.as_bytes();
    let rooted = bytes[0] == b'/';
    let n = bytes.len();
    let mut out: Vec<u8> = Vec::with_capacity(n);
    let (mut r, mut dotdot) = (0, 0);
    if rooted {
        out.push(b'/');
        r = 1;
        dotdot = 1;
    }
    while r < n {
        let empty_element = bytes[r] == b'/';
        let dot_element = bytes[r] == b'.' && (r + 1 == n || bytes[r + 1] == b'/');
        if empty_element || dot_element {
            r += 1;
        } else if bytes[r] == b'.' && bytes[r + 1] == b'.' && (r + 2 == n || bytes[r + 2] == b'/') {
            r += 2;
            if out.len() > dotdot {
                // Back up to the last separator, dropping it with the element.
                let mut w = out.len() - 1;
                while w > dotdot && out[w] != b'/' {
                    w -= 1;
                }
                out.truncate(w);
            } else if !rooted {
                if !out.is_empty() {
                    out.push(b'/');
                }
                out.extend_from_slice(b"..");
                dotdot = out.len();
            }
        } else {
            if (rooted && out.len() != 1) || (!rooted && !out.is_empty()) {
                out.push(b'/');
            }
            while r < n && bytes[r] != b'/' {
                out.push(bytes[r]);
                r += 1;
            }
        }
    }
    if out.is_empty() {
        return ".".to_string();
    }
    // Only ASCII separators were added or removed between whole elements.
    String::from_utf8(out).expect("cleaning a UTF-8 path keeps it UTF-8")
}

/// Go's `filepath.Base` on Unix.
pub fn go_base(path: &str) -> &str {
    if path.is_empty() {
        return ".";
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/";
    }
    match trimmed.rfind('/') {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    }
}

/// The samples whose chosen value is nonzero (pprof skips the others), with a per-sample stamp
/// (never 0) for "seen in this sample" marks, and the value.
pub(crate) fn weighted(
    profile: &Profile,
    value_index: usize,
) -> impl Iterator<Item = (usize, u32, i64)> + '_ {
    weighted_in(profile, value_index, 0..profile.samples.len())
}

/// [`weighted`] over the samples in `range`.
fn weighted_in(
    profile: &Profile,
    value_index: usize,
    range: Range<usize>,
) -> impl Iterator<Item = (usize, u32, i64)> + '_ {
    let samples = &profile.samples;
    range.filter_map(move |s| {
        let w = samples.value(s, value_index);
        (w != 0).then_some((s, s as u32 + 1, w))
    })
}

/// Flat and cum per node of the untrimmed graph.
struct Weights {
    flat: Vec<i64>,
    cum: Vec<i64>,
}

/// Accumulates flat and cum for every node: cum once per sample per node, flat to the
/// leaf-most frame. Samples whose chosen value is 0 are skipped. Many samples are summed in two
/// halves at once where there are threads; wrapping sums make the halves' total exact.
fn accumulate(profile: &Profile, table: &NodeTable, value_index: usize) -> Weights {
    let n = profile.samples.len();
    let sum = |range: Range<usize>| accumulate_range(profile, table, value_index, range);
    if !parallel::worth_splitting(n) {
        return sum(0..n);
    }
    let (mut one, two) = parallel::both(|| sum(0..n / 2), || sum(n / 2..n));
    for (total, part) in one.flat.iter_mut().zip(two.flat) {
        *total = total.wrapping_add(part);
    }
    for (total, part) in one.cum.iter_mut().zip(two.cum) {
        *total = total.wrapping_add(part);
    }
    one
}

fn accumulate_range(
    profile: &Profile,
    table: &NodeTable,
    value_index: usize,
    samples: Range<usize>,
) -> Weights {
    let n = table.len();
    let mut flat = vec![0i64; n];
    let mut cum = vec![0i64; n];
    // seen[node] == stamp means the node already got this sample's cum.
    let mut seen = vec![0u32; n];
    for (s, stamp, w) in weighted_in(profile, value_index, samples) {
        let mut leaf = None;
        table.walk(profile.samples.stack(s), |node, _| {
            let slot = &mut seen[node as usize];
            if *slot != stamp {
                *slot = stamp;
                cum[node as usize] = cum[node as usize].wrapping_add(w);
            }
            leaf = Some(node);
        });
        if let Some(leaf) = leaf {
            flat[leaf as usize] = flat[leaf as usize].wrapping_add(w);
        }
    }
    Weights { flat, cum }
}

/// A caller→callee edge's summed weight and whether every contribution was an inlined call.
struct Edge {
    weight: i64,
    inline: bool,
    stamp: u32,
}

/// Labels nodes `(inline)` / `(partial-inline)` from their caller edges, as pprof does after
/// trimming: edges are rebuilt over the kept nodes only (`kept == None` keeps all), edges
/// lighter than `edge_cutoff` are ignored.
fn inline_labels(
    profile: &Profile,
    table: &NodeTable,
    value_index: usize,
    kept: Option<&[bool]>,
    edge_cutoff: i64,
) -> Vec<InlineLabel> {
    let n = table.len();
    let mut labels = vec![InlineLabel::None; n];
    if !table.ever_inlined.iter().any(|&b| b) {
        return labels;
    }
    let is_kept = |node: NodeId| kept.is_none_or(|k| k[node as usize]);
    let mut edges: FxMap<(NodeId, NodeId), Edge> = FxMap::default();
    for (s, stamp, w) in weighted(profile, value_index) {
        let mut parent: Option<NodeId> = None;
        table.walk(profile.samples.stack(s), |node, inlined_here| {
            if !is_kept(node) {
                return;
            }
            if let Some(p) = parent
                && p != node
                && table.ever_inlined[node as usize]
            {
                let edge = edges.entry((p, node)).or_insert(Edge {
                    weight: 0,
                    inline: true,
                    stamp: 0,
                });
                if edge.stamp != stamp {
                    edge.stamp = stamp;
                    edge.weight = edge.weight.wrapping_add(w);
                    edge.inline &= inlined_here;
                }
            }
            parent = Some(node);
        });
    }
    let mut has_inline = vec![false; n];
    let mut has_call = vec![false; n];
    for ((_, dest), edge) in &edges {
        if abs64(edge.weight) < edge_cutoff {
            continue;
        }
        if edge.inline {
            has_inline[*dest as usize] = true;
        } else {
            has_call[*dest as usize] = true;
        }
    }
    for i in 0..n {
        labels[i] = match (has_inline[i], has_call[i]) {
            (true, true) => InlineLabel::PartialInline,
            (true, false) => InlineLabel::Inline,
            _ => InlineLabel::None,
        };
    }
    labels
}

/// pprof's `abs64(int64(float64(x) * fraction))`.
fn cutoff(total: i64, fraction: f64) -> i64 {
    abs64(crate::decode::go_f64_to_i64(total as f64 * fraction))
}

/// pprof's `abs64`: Go's `-i`, so the minimum int64 stays negative (and sorts and compares as
/// the smallest value), where `unsigned_abs` would make it the largest.
fn abs64(v: i64) -> i64 {
    v.wrapping_abs()
}

impl Graph {
    /// Builds the `top` graph of sample value `value_index`: all nodes with any weight, cut
    /// to |cum| ≥ node_fraction × Σflat, sorted, cut to node_count, with inline labels.
    pub fn build(profile: &Profile, value_index: usize, opts: &Options) -> Graph {
        let table = NodeTable::build(profile, opts);
        let weights = accumulate(profile, &table, value_index);
        let present: Vec<NodeId> = (0..table.len() as NodeId)
            .filter(|&i| weights.flat[i as usize] != 0 || weights.cum[i as usize] != 0)
            .collect();
        let flat_sum = present
            .iter()
            .fold(0i64, |acc, &i| acc.wrapping_add(weights.flat[i as usize]));
        let node_cutoff = cutoff(flat_sum, opts.node_fraction);
        let edge_cutoff = cutoff(flat_sum, opts.edge_fraction);

        let mut nodes: Vec<Node> = Vec::with_capacity(present.len());
        let mut ids: Vec<NodeId> = Vec::with_capacity(present.len());
        let mut dropped_nodes = 0;
        for &i in &present {
            let cum = weights.cum[i as usize];
            if node_cutoff > 0 && abs64(cum) < node_cutoff {
                dropped_nodes += 1;
                continue;
            }
            let info = table.info(i);
            nodes.push(Node {
                name: info.printable_name(),
                info,
                flat: weights.flat[i as usize],
                cum,
                inline: InlineLabel::None,
            });
            ids.push(i);
        }
        let orig_count = nodes.len();
        let mut order: Vec<usize> = (0..nodes.len()).collect();
        sort_nodes(&mut order, &nodes, opts.cum_sort);
        let mut trimmed = dropped_nodes > 0;
        if opts.node_count > 0 && order.len() > opts.node_count {
            order.truncate(opts.node_count);
            trimmed = true;
        }
        // pprof rebuilds the graph from the kept nodes whenever trimming removed any, and the
        // rebuilt edges skip over the removed nodes.
        let kept = trimmed.then(|| {
            let mut kept = vec![false; table.len()];
            for &k in &order {
                kept[ids[k] as usize] = true;
            }
            kept
        });
        let labels = inline_labels(profile, &table, value_index, kept.as_deref(), edge_cutoff);
        let mut slots: Vec<Option<Node>> = nodes.into_iter().map(Some).collect();
        let nodes = order
            .iter()
            .map(|&k| {
                let mut node = slots[k].take().expect("each node is placed once");
                node.inline = labels[ids[k] as usize];
                node
            })
            .collect();
        Graph {
            nodes,
            orig_count,
            dropped_nodes,
        }
    }

    /// Σ flat over the shown nodes.
    pub fn flat_sum(&self) -> i64 {
        self.nodes
            .iter()
            .fold(0i64, |acc, n| acc.wrapping_add(n.flat))
    }
}

/// Flat and cum of every node with any weight, by printable name (nodes sharing a name, possible
/// at `files` granularity, are added up), in no particular order: what a comparison lines up.
/// No trimming, sorting or inline labels, and no `NodeInfo` kept.
pub fn weights_by_name(
    profile: &Profile,
    value_index: usize,
    opts: &Options,
) -> Vec<(String, i64, i64)> {
    let table = NodeTable::build(profile, opts);
    let weights = accumulate(profile, &table, value_index);
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<(String, i64, i64)> = Vec::new();
    for i in 0..table.len() {
        let (flat, cum) = (weights.flat[i], weights.cum[i]);
        if flat == 0 && cum == 0 {
            continue;
        }
        let name = table.info(i as NodeId).printable_name();
        match index.get(&name) {
            Some(&k) => {
                out[k].1 = out[k].1.wrapping_add(flat);
                out[k].2 = out[k].2.wrapping_add(cum);
            }
            None => {
                index.insert(name.clone(), out.len());
                out.push((name, flat, cum));
            }
        }
    }
    out
}

/// One function's neighbourhood, pprof's `peek` without the text: its own flat and cum, and
/// the weight of each caller→it and it→callee edge (an edge counted once per sample, never a
/// node to itself).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Neighbors {
    pub flat: i64,
    pub cum: i64,
    /// (printable name, weight, whether every contribution was an inlined call)
    pub callers: Vec<(String, i64, bool)>,
    pub callees: Vec<(String, i64, bool)>,
}

impl Neighbors {
    /// The neighbours of the node(s) printed as `name` at `opts`'s granularity.
    pub fn of(profile: &Profile, value_index: usize, opts: &Options, name: &str) -> Neighbors {
        let table = NodeTable::build(profile, opts);
        let targets: Vec<bool> = (0..table.len() as NodeId)
            .map(|id| table.info(id).printable_name() == name)
            .collect();
        let mut out = Neighbors::default();
        if !targets.iter().any(|&t| t) {
            return out;
        }
        // (caller or callee node, is_callee) → (weight, inline, stamp)
        let mut edges: FxMap<(NodeId, bool), (i64, bool, u32)> = FxMap::default();
        let mut pairs: Vec<(NodeId, NodeId, bool)> = Vec::new();
        for (s, stamp, w) in weighted(profile, value_index) {
            pairs.clear();
            let mut parent: Option<NodeId> = None;
            let mut leaf = None;
            table.walk(profile.samples.stack(s), |node, inlined| {
                if let Some(p) = parent
                    && p != node
                {
                    pairs.push((p, node, inlined));
                }
                parent = Some(node);
                leaf = Some(node);
            });
            let mut through = false;
            for &(p, n, inline) in &pairs {
                through |= targets[p as usize] || targets[n as usize];
                for (key, hit) in [
                    ((p, false), targets[n as usize]),
                    ((n, true), targets[p as usize]),
                ] {
                    if !hit {
                        continue;
                    }
                    let e = edges.entry(key).or_insert((0, true, 0));
                    if e.2 != stamp {
                        e.2 = stamp;
                        e.0 = e.0.wrapping_add(w);
                        e.1 &= inline;
                    }
                }
            }
            if let Some(leaf) = leaf {
                through |= targets[leaf as usize];
                if targets[leaf as usize] {
                    out.flat = out.flat.wrapping_add(w);
                }
            }
            if through {
                out.cum = out.cum.wrapping_add(w);
            }
        }
        for ((node, is_callee), (weight, inline, _)) in edges {
            let entry = (table.info(node).printable_name(), weight, inline);
            if is_callee {
                out.callees.push(entry);
            } else {
                out.callers.push(entry);
            }
        }
        out.callers.sort();
        out.callees.sort();
        out
    }
}

/// pprof's node order: by |flat| (or |cum|) descending, then printable name, then the other
/// weight, then Go's `%v` of the node identity.
fn sort_nodes(order: &mut [usize], nodes: &[Node], cum: bool) {
    order.sort_by(|&a, &b| {
        let (l, r) = (&nodes[a], &nodes[b]);
        let (first_l, first_r, second_l, second_r) = if cum {
            (l.cum, r.cum, l.flat, r.flat)
        } else {
            (l.flat, r.flat, l.cum, r.cum)
        };
        abs64(first_r)
            .cmp(&abs64(first_l))
            .then_with(|| l.name.as_bytes().cmp(r.name.as_bytes()))
            .then_with(|| abs64(second_r).cmp(&abs64(second_l)))
            .then_with(|| l.info.go_sprint().cmp(&r.info.go_sprint()))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_clean_matches_go() {
        let cases = [
            ("", "."),
            ("abc", "abc"),
            ("abc/def", "abc/def"),
            ("a/b/c", "a/b/c"),
            (".", "."),
            ("..", ".."),
            ("../..", "../.."),
            ("../../abc", "../../abc"),
            ("/abc", "/abc"),
            ("/", "/"),
            ("abc/", "abc"),
            ("abc/def/", "abc/def"),
            ("/abc/", "/abc"),
            ("abc//def//ghi", "abc/def/ghi"),
            ("//abc", "/abc"),
            ("///abc", "/abc"),
            ("//abc//", "/abc"),
            ("abc//", "abc"),
            ("abc/./def", "abc/def"),
            ("/./abc/def", "/abc/def"),
            ("abc/.", "abc"),
            ("abc/def/ghi/../jkl", "abc/def/jkl"),
            ("abc/def/../ghi/../jkl", "abc/jkl"),
            ("abc/def/..", "abc"),
            ("abc/def/../..", "."),
            ("/abc/def/../..", "/"),
            ("abc/def/../../..", ".."),
            ("/abc/def/../../..", "/"),
            ("abc/def/../../../ghi/jkl/../../../mno", "../../mno"),
            ("/../abc", "/abc"),
            ("abc/./../def", "def"),
            ("abc//./../def", "def"),
            ("abc/../../././../def", "../../def"),
        ];
        for (input, want) in cases {
            assert_eq!(go_clean(input), want, "clean({input:?})");
        }
    }

    #[test]
    fn printable_names() {
        let info = NodeInfo {
            name: "main.f".into(),
            ..NodeInfo::default()
        };
        assert_eq!(info.printable_name(), "main.f");
        let info = NodeInfo {
            objfile: "/usr/bin/app".into(),
            ..NodeInfo::default()
        };
        assert_eq!(info.printable_name(), "[app]");
        assert_eq!(NodeInfo::default().printable_name(), "<unknown>");
        let info = NodeInfo {
            name: "main.f".into(),
            address: 0x401000,
            file: "/src/a.go".into(),
            lineno: 12,
            ..NodeInfo::default()
        };
        assert_eq!(
            info.printable_name(),
            "0000000000401000 main.f /src/a.go:12"
        );
    }
}
