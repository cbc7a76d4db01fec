//! The page's state in the core: two slots, A (baseline) and B (new), each holding the decoded
//! profiles of its files, a series of snapshots for the trend, and every report computed from
//! them. The WASM face wraps this type
//! one method per export; it keeps decoded profiles so that changing an option never decodes
//! again.

use std::sync::Arc;

use crate::compare::{self, CompareError, JointTree};
use crate::decode::{self, Limits, Stage};
use crate::error::DecodeError;
use crate::flame::{self, Flame, ViewRequest};
use crate::options::{OptionsError, ViewOptions};
use crate::profile::Profile;
use crate::report::flame::{FlameViewDto, FrameDto};
use crate::report::json::{
    DiffReport, MemStatsReport, PathsReport, PeekReport, SeriesSummary, SlotPair, SlotSummary,
    TopReport, TrendReport,
};
use crate::report::{self, Format};
use crate::summary::Summary;
use crate::top::{self, PrepareError, TopError, TopTable};
use crate::trend::{self, TrendError};

/// Which slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotId {
    A,
    B,
}

impl SlotId {
    pub fn from_name(name: &str) -> Option<SlotId> {
        match name {
            "a" | "A" => Some(SlotId::A),
            "b" | "B" => Some(SlotId::B),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SlotId::A => "a",
            SlotId::B => "b",
        }
    }
}

/// What the workspace could not do. Messages name the file or the slot.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WorkspaceError {
    #[error("{file}: {error}")]
    Decode { file: String, error: DecodeError },
    #[error("{0}")]
    Prepare(PrepareError),
    #[error("{0}")]
    Options(OptionsError),
    #[error("{0}")]
    Top(TopError),
    #[error("{0}")]
    Compare(CompareError),
    #[error("{0}")]
    Trend(TrendError),
    #[error("profile {0} is not loaded")]
    Empty(&'static str),
    #[error("{0}")]
    Usage(String),
}

impl WorkspaceError {
    /// A short name of the kind, for JavaScript `Error.name`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            WorkspaceError::Decode { .. } => "DecodeError",
            WorkspaceError::Prepare(_) => "MergeError",
            WorkspaceError::Options(_) | WorkspaceError::Usage(_) => "OptionsError",
            WorkspaceError::Top(_) => "ReportError",
            WorkspaceError::Compare(_) => "CompareError",
            WorkspaceError::Trend(_) => "TrendError",
            WorkspaceError::Empty(_) => "EmptySlotError",
        }
    }
}

/// A step of loading or computing, for progress reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// `inflating`, `decoding`, `resolving`, `merging` or `aggregating`.
    pub stage: &'static str,
    pub file_index: usize,
    pub file_count: usize,
}

/// One loaded slot.
#[derive(Debug, Clone)]
struct Slot {
    files: Vec<String>,
    summaries: Vec<Summary>,
    raw: Vec<Profile>,
    /// The merged, finished profile, for simplified names [0] and raw names [1].
    prepared: [Option<Profile>; 2],
}

impl Slot {
    fn new(decoded: Vec<(String, Profile)>) -> Slot {
        let (files, raw): (Vec<String>, Vec<Profile>) = decoded.into_iter().unzip();
        Slot {
            files,
            summaries: raw.iter().map(Summary::of).collect(),
            raw,
            prepared: [None, None],
        }
    }

    fn prepared(&mut self, raw_names: bool) -> Result<&Profile, WorkspaceError> {
        let i = usize::from(raw_names);
        if self.prepared[i].is_none() {
            let p = top::prepare(self.raw.clone(), raw_names).map_err(WorkspaceError::Prepare)?;
            self.prepared[i] = Some(p);
        }
        Ok(self.prepared[i].as_ref().expect("filled just above"))
    }

    fn summary(&mut self, id: SlotId) -> Result<SlotSummary, WorkspaceError> {
        let files = self.files.clone();
        let summaries = self.summaries.clone();
        let merged = self.prepared(false)?;
        Ok(SlotSummary::new(id.name(), &files, &summaries, merged))
    }
}

fn parse_format(name: &str) -> Result<Format, WorkspaceError> {
    Format::from_name(name).ok_or_else(|| {
        WorkspaceError::Usage(format!(
            "unknown format {name:?}: use text, markdown, csv or json"
        ))
    })
}

/// A's and B's prepared profiles, then their file names.
type Both<'w> = (&'w Profile, &'w Profile, Vec<String>, Vec<String>);

/// How many reports of each kind the memo keeps.
const MEMO_ENTRIES: usize = 8;

/// Reports already made from the current slots, by the options they were made with, and the
/// last joint call tree with its key: going back to a view, or changing only how many paths to
/// rank, aggregates nothing again. Emptied whenever a slot changes.
#[derive(Debug, Clone, Default)]
struct Memo {
    tops: Vec<((SlotId, ViewOptions), TopReport)>,
    compares: Vec<(ViewOptions, DiffReport)>,
    tree: Option<(TreeKey, Arc<JointTree>)>,
}

impl Memo {
    /// Forgets what depends on slot `id`: its `top` reports and everything over both slots.
    /// The other slot's reports stay, so that loading B keeps Top A instant.
    fn forget(&mut self, id: SlotId) {
        self.tops.retain(|((slot, _), _)| *slot != id);
        self.compares.clear();
        self.tree = None;
    }

    /// After A and B swapped: each slot's `top` reports follow it.
    fn swap_slots(&mut self) {
        for ((slot, _), _) in &mut self.tops {
            *slot = match slot {
                SlotId::A => SlotId::B,
                SlotId::B => SlotId::A,
            };
        }
        self.compares.clear();
        self.tree = None;
    }
}

/// What a joint call tree depends on: the names, the sample value, granularity, inlines and
/// filters, and normalizing.
#[derive(Debug, Clone, PartialEq)]
struct TreeKey {
    raw_names: bool,
    normalize: bool,
    top: top::Options,
}

impl TreeKey {
    fn new(raw_names: bool, normalize: bool, top: &top::Options) -> TreeKey {
        let mut top = top.clone();
        // Trimming and order are applied to reports, never to the tree.
        let defaults = crate::graph::Options::default();
        top.graph.cum_sort = defaults.cum_sort;
        top.graph.node_fraction = defaults.node_fraction;
        top.graph.edge_fraction = defaults.edge_fraction;
        top.graph.node_count = defaults.node_count;
        TreeKey {
            raw_names,
            normalize,
            top,
        }
    }
}

/// The value remembered for `key`, or the one `make` makes, remembered.
fn remember<K: PartialEq, V: Clone, E>(
    list: &mut Vec<(K, V)>,
    key: K,
    make: impl FnOnce() -> Result<V, E>,
) -> Result<V, E> {
    if let Some((_, v)) = list.iter().find(|(k, _)| *k == key) {
        return Ok(v.clone());
    }
    let v = make()?;
    if list.len() >= MEMO_ENTRIES {
        list.remove(0);
    }
    list.push((key, v.clone()));
    Ok(v)
}

/// A loaded series of snapshots, each kept apart (never merged). Snapshots are prepared once,
/// by moving the decoded profiles (no copy of twenty profiles); the files' bytes are kept to
/// decode a snapshot again for raw names or to load it as A or B.
#[derive(Debug, Clone)]
struct SeriesSlot {
    files: Vec<String>,
    bytes: Vec<Vec<u8>>,
    /// Every snapshot finished on its own, for simplified names [0] and raw names [1].
    prepared: [Option<Vec<Profile>>; 2],
}

impl SeriesSlot {
    fn prepared(&mut self, raw_names: bool, limits: &Limits) -> Result<&[Profile], WorkspaceError> {
        let i = usize::from(raw_names);
        if self.prepared[i].is_none() {
            let each = (0..self.files.len())
                .map(|s| {
                    let raw = self.decode(s, limits)?;
                    top::prepare(vec![raw], raw_names).map_err(WorkspaceError::Prepare)
                })
                .collect::<Result<Vec<_>, _>>()?;
            self.prepared[i] = Some(each);
        }
        Ok(self.prepared[i].as_deref().expect("filled just above"))
    }

    /// Snapshot `s` decoded again from its bytes (they decoded once already).
    fn decode(&self, s: usize, limits: &Limits) -> Result<Profile, WorkspaceError> {
        decode::decode(&self.bytes[s], limits).map_err(|error| WorkspaceError::Decode {
            file: self.files[s].clone(),
            error,
        })
    }
}

/// Two slots, a series, and the reports over them.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    a: Option<Slot>,
    b: Option<Slot>,
    series: Option<SeriesSlot>,
    limits: Limits,
    /// The last flame graph with the options it was built for, so that zoom, hover and search
    /// do not build the tree again; dropped whenever a slot changes.
    flame: Option<(ViewOptions, bool, Flame)>,
    memo: Memo,
    /// A gzip file arriving as inflated chunks (the page inflates in another worker), with
    /// its name.
    stream: Option<(String, decode::Inflating)>,
    /// Files decoded from such streams, waiting to be put in a slot.
    staged: Vec<(String, Profile)>,
}

impl Workspace {
    pub fn new(limits: Limits) -> Workspace {
        Workspace {
            a: None,
            b: None,
            series: None,
            limits,
            flame: None,
            memo: Memo::default(),
            stream: None,
            staged: Vec::new(),
        }
    }

    fn slot_mut(&mut self, id: SlotId) -> &mut Option<Slot> {
        match id {
            SlotId::A => &mut self.a,
            SlotId::B => &mut self.b,
        }
    }

    fn loaded(&mut self, id: SlotId) -> Result<&mut Slot, WorkspaceError> {
        self.slot_mut(id)
            .as_mut()
            .ok_or(WorkspaceError::Empty(match id {
                SlotId::A => "A",
                SlotId::B => "B",
            }))
    }

    /// Decodes `files` (name, bytes) and merges them into a slot. On error the slot keeps
    /// what it had.
    pub fn load(
        &mut self,
        id: SlotId,
        files: &[(String, &[u8])],
        progress: &mut dyn FnMut(Progress),
    ) -> Result<SlotSummary, WorkspaceError> {
        let mut slot = self.decode_slot(files, progress)?;
        let summary = slot.summary(id)?;
        self.set_slot(id, slot);
        Ok(summary)
    }

    fn decode_slot(
        &self,
        files: &[(String, &[u8])],
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Slot, WorkspaceError> {
        if files.is_empty() {
            return Err(WorkspaceError::Usage("no file given".to_string()));
        }
        let count = files.len();
        let mut decoded = Vec::with_capacity(count);
        for (i, (name, bytes)) in files.iter().enumerate() {
            let mut report = |stage: Stage| {
                progress(Progress {
                    stage: stage.name(),
                    file_index: i,
                    file_count: count,
                })
            };
            let profile = decode::decode_with_progress(bytes, &self.limits, &mut report).map_err(
                |error| WorkspaceError::Decode {
                    file: name.clone(),
                    error,
                },
            )?;
            decoded.push((name.clone(), profile));
        }
        progress(Progress {
            stage: "merging",
            file_index: count - 1,
            file_count: count,
        });
        Ok(Slot::new(decoded))
    }

    /// Starts a gzip file that arrives as inflated chunks; `compressed_len` sizes its buffer.
    pub fn begin_stream(&mut self, name: &str, compressed_len: usize) {
        let inflating = decode::Inflating::new(&self.limits, decode::GoText::Names, compressed_len);
        self.stream = Some((name.to_string(), inflating));
    }

    /// The next inflated chunk of the file begun last.
    pub fn push_stream(&mut self, chunk: &[u8]) -> Result<(), WorkspaceError> {
        let (_, inflating) = self
            .stream
            .as_mut()
            .ok_or_else(|| WorkspaceError::Usage("no file is being streamed".to_string()))?;
        let pushed = inflating.push(chunk);
        pushed.map_err(|error| {
            let (file, _) = self.stream.take().expect("the stream was just used");
            self.staged.clear();
            WorkspaceError::Decode { file, error }
        })
    }

    /// Drops the file being streamed and the staged files (the inflating worker stopped).
    pub fn abort_stream(&mut self) {
        self.stream = None;
        self.staged.clear();
    }

    /// Ends the file begun last: decodes it and stages it for [`Workspace::load_staged`], or,
    /// when inflating failed with `inflate_error`, says so as a decode error of that file.
    pub fn end_stream(
        &mut self,
        inflate_error: Option<String>,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(), WorkspaceError> {
        let (file, inflating) = self
            .stream
            .take()
            .ok_or_else(|| WorkspaceError::Usage("no file is being streamed".to_string()))?;
        let mut report = |stage: Stage| {
            progress(Progress {
                stage: stage.name(),
                file_index: 0,
                file_count: 1,
            })
        };
        let decoded = match inflate_error {
            Some(message) => Err(DecodeError::Decompress(message)),
            None => inflating.finish(&mut report),
        };
        match decoded {
            Ok(profile) => {
                self.staged.push((file, profile));
                Ok(())
            }
            Err(error) => {
                self.staged.clear();
                Err(WorkspaceError::Decode { file, error })
            }
        }
    }

    /// Puts the staged files (in the order they were staged) in slot `id`.
    pub fn load_staged(&mut self, id: SlotId) -> Result<SlotSummary, WorkspaceError> {
        if self.staged.is_empty() {
            return Err(WorkspaceError::Usage("no file is staged".to_string()));
        }
        let mut slot = Slot::new(std::mem::take(&mut self.staged));
        let summary = slot.summary(id)?;
        self.set_slot(id, slot);
        Ok(summary)
    }

    /// Puts two staged files in the slots, the earlier profile in A, as [`Workspace::load_pair`].
    pub fn load_staged_pair(&mut self) -> Result<(SlotSummary, SlotSummary), WorkspaceError> {
        let staged = std::mem::take(&mut self.staged);
        let Ok([first, second]) = <[_; 2]>::try_from(staged) else {
            return Err(WorkspaceError::Usage(
                "a pair needs two staged files".to_string(),
            ));
        };
        self.set_pair(Slot::new(vec![first]), Slot::new(vec![second]))
    }

    fn set_slot(&mut self, id: SlotId, slot: Slot) {
        *self.slot_mut(id) = Some(slot);
        self.flame = None;
        self.memo.forget(id);
    }

    /// Two slots, the earlier profile in A.
    fn set_pair(
        &mut self,
        mut one: Slot,
        mut two: Slot,
    ) -> Result<(SlotSummary, SlotSummary), WorkspaceError> {
        let time = |s: &Slot| s.raw[0].time_nanos;
        if time(&two) != 0 && (time(&one) == 0 || time(&two) < time(&one)) {
            std::mem::swap(&mut one, &mut two);
        }
        let (a, b) = (one.summary(SlotId::A)?, two.summary(SlotId::B)?);
        self.a = Some(one);
        self.b = Some(two);
        self.flame = None;
        self.memo = Memo::default();
        Ok((a, b))
    }

    /// Two files dropped at once: the one with the earlier profile time goes to A (the first
    /// one when the times are equal or unknown).
    pub fn load_pair(
        &mut self,
        files: &[(String, &[u8])],
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(SlotSummary, SlotSummary), WorkspaceError> {
        let [first, second] = files else {
            return Err(WorkspaceError::Usage(format!(
                "a pair needs exactly two files, got {}",
                files.len()
            )));
        };
        let one = self.decode_slot(std::slice::from_ref(first), progress)?;
        let two = self.decode_slot(std::slice::from_ref(second), progress)?;
        self.set_pair(one, two)
    }

    pub fn clear(&mut self, id: SlotId) {
        *self.slot_mut(id) = None;
        self.flame = None;
        self.memo.forget(id);
    }

    pub fn swap(&mut self) {
        std::mem::swap(&mut self.a, &mut self.b);
        self.flame = None;
        self.memo.swap_slots();
    }

    /// The summary of a slot, or None when it is empty.
    pub fn summary(&mut self, id: SlotId) -> Result<Option<SlotSummary>, WorkspaceError> {
        match self.slot_mut(id) {
            Some(slot) => slot.summary(id).map(Some),
            None => Ok(None),
        }
    }

    /// The `top` report of one slot.
    pub fn top(&mut self, id: SlotId, opts: &ViewOptions) -> Result<TopReport, WorkspaceError> {
        let mut tops = std::mem::take(&mut self.memo.tops);
        let report = remember(&mut tops, (id, opts.clone()), || {
            let table = self.top_table(id, opts)?;
            Ok(TopReport::new(&table))
        });
        self.memo.tops = tops;
        report
    }

    fn top_table(&mut self, id: SlotId, opts: &ViewOptions) -> Result<TopTable, WorkspaceError> {
        let top_opts = opts.top().map_err(WorkspaceError::Options)?;
        let profile = self.loaded(id)?.prepared(opts.raw_names)?;
        top::top(profile, &top_opts).map_err(WorkspaceError::Top)
    }

    /// The comparison of A and B.
    pub fn compare(&mut self, opts: &ViewOptions) -> Result<DiffReport, WorkspaceError> {
        let mut compares = std::mem::take(&mut self.memo.compares);
        let report = remember(&mut compares, opts.clone(), || {
            let cmp_opts = opts.compare().map_err(WorkspaceError::Options)?;
            let (a, b, a_files, b_files) = self.both(opts.raw_names)?;
            let c = compare::compare(a, b, &cmp_opts).map_err(WorkspaceError::Compare)?;
            Ok(DiffReport::new(&c, &a_files, &b_files))
        });
        self.memo.compares = compares;
        report
    }

    /// Growth paths from A to B.
    pub fn paths(&mut self, opts: &ViewOptions) -> Result<PathsReport, WorkspaceError> {
        let p = self.paths_of(opts)?;
        let (a_files, b_files) = self.files()?;
        Ok(PathsReport::new(&p, &a_files, &b_files))
    }

    fn paths_of(&mut self, opts: &ViewOptions) -> Result<compare::Paths, WorkspaceError> {
        let path_opts = opts.paths().map_err(WorkspaceError::Options)?;
        let tree_opts = compare::paths_tree_options(&path_opts);
        let joint = self.joint_tree(opts.raw_names, opts.normalize, &tree_opts)?;
        Ok(compare::paths_of(&joint, &path_opts))
    }

    /// The joint call tree of A and B for these options, kept until the options or the slots
    /// change.
    pub fn joint_tree(
        &mut self,
        raw_names: bool,
        normalize: bool,
        opts: &top::Options,
    ) -> Result<Arc<JointTree>, WorkspaceError> {
        let key = TreeKey::new(raw_names, normalize, opts);
        if let Some((k, tree)) = &self.memo.tree
            && *k == key
        {
            return Ok(Arc::clone(tree));
        }
        // The old tree goes first: two large trees need not coexist.
        self.memo.tree = None;
        let (a, b, _, _) = self.both(raw_names)?;
        let tree = compare::joint_tree(a, b, opts, normalize).map_err(WorkspaceError::Compare)?;
        let tree = Arc::new(tree);
        self.memo.tree = Some((key, Arc::clone(&tree)));
        Ok(tree)
    }

    fn files(&self) -> Result<(Vec<String>, Vec<String>), WorkspaceError> {
        match (&self.a, &self.b) {
            (Some(a), Some(b)) => Ok((a.files.clone(), b.files.clone())),
            (None, _) => Err(WorkspaceError::Empty("A")),
            (_, None) => Err(WorkspaceError::Empty("B")),
        }
    }

    /// A function's callers and callees on whichever slots are loaded.
    pub fn peek(&mut self, name: &str, opts: &ViewOptions) -> Result<PeekReport, WorkspaceError> {
        let cmp_opts = opts.compare().map_err(WorkspaceError::Options)?;
        for id in [SlotId::A, SlotId::B] {
            if let Some(slot) = self.slot_mut(id) {
                slot.prepared(opts.raw_names)?;
            }
        }
        let i = usize::from(opts.raw_names);
        let a = self.a.as_ref().and_then(|s| s.prepared[i].as_ref());
        let b = self.b.as_ref().and_then(|s| s.prepared[i].as_ref());
        if a.is_none() && b.is_none() {
            return Err(WorkspaceError::Empty("A or B"));
        }
        let p = compare::peek(a, b, name, &cmp_opts).map_err(WorkspaceError::Compare)?;
        Ok(PeekReport::new(&p))
    }

    /// The runtime.MemStats of the loaded slots side by side (the Memory view); a side
    /// without them (empty, protobuf, several files) is null.
    pub fn memstats(&mut self) -> Result<MemStatsReport, WorkspaceError> {
        let (c, a_files, b_files) = self.memstats_comparison()?;
        Ok(MemStatsReport::new(&c, &a_files, &b_files))
    }

    fn memstats_comparison(
        &mut self,
    ) -> Result<(crate::memstats::Comparison, Vec<String>, Vec<String>), WorkspaceError> {
        for id in [SlotId::A, SlotId::B] {
            if let Some(slot) = self.slot_mut(id) {
                slot.prepared(false)?;
            }
        }
        fn side(s: &Option<Slot>) -> Option<&Profile> {
            s.as_ref().and_then(|s| s.prepared[0].as_ref())
        }
        let files = |s: &Option<Slot>| s.as_ref().map_or_else(Vec::new, |s| s.files.clone());
        let c = crate::memstats::Comparison::of(side(&self.a), side(&self.b));
        Ok((c, files(&self.a), files(&self.b)))
    }

    /// The MemStats comparison in a CLI `--format`.
    pub fn export_memstats(&mut self, format: &str) -> Result<String, WorkspaceError> {
        let format = parse_format(format)?;
        let (c, a_files, b_files) = self.memstats_comparison()?;
        Ok(report::memstats(&c, &a_files, &b_files, format))
    }

    /// A slot's `top` in a CLI `--format` (text, markdown, csv or json).
    pub fn export_top(
        &mut self,
        id: SlotId,
        opts: &ViewOptions,
        format: &str,
    ) -> Result<String, WorkspaceError> {
        let format = parse_format(format)?;
        let table = self.top_table(id, opts)?;
        Ok(report::top(&table, format))
    }

    /// The comparison in a CLI `--format`.
    pub fn export_compare(
        &mut self,
        opts: &ViewOptions,
        format: &str,
    ) -> Result<String, WorkspaceError> {
        let format = parse_format(format)?;
        let cmp_opts = opts.compare().map_err(WorkspaceError::Options)?;
        let (a, b, a_files, b_files) = self.both(opts.raw_names)?;
        let c = compare::compare(a, b, &cmp_opts).map_err(WorkspaceError::Compare)?;
        Ok(report::diff(&c, &a_files, &b_files, format))
    }

    /// The growth paths in a CLI `--format`.
    pub fn export_paths(
        &mut self,
        opts: &ViewOptions,
        format: &str,
    ) -> Result<String, WorkspaceError> {
        let format = parse_format(format)?;
        let p = self.paths_of(opts)?;
        let (a_files, b_files) = self.files()?;
        Ok(report::paths(&p, &a_files, &b_files, format))
    }

    /// pprof's `-diff_base` profile of A against B, gzip-compressed: what
    /// `profdiff diff --output` writes, for `go tool pprof`.
    pub fn diff_profile(&mut self, opts: &ViewOptions) -> Result<Vec<u8>, WorkspaceError> {
        let a = self.loaded(SlotId::A)?.raw.clone();
        let b = self.loaded(SlotId::B)?.raw.clone();
        let base = top::Base {
            profiles: a,
            mode: top::BaseMode::Compare,
            normalize: opts.normalize,
        };
        let merged = top::combine(b, Some(base)).map_err(WorkspaceError::Prepare)?;
        Ok(crate::encode::encode_gzip(&merged))
    }

    /// A self-contained HTML page with the comparison (when both slots are loaded) and the top
    /// tables of the loaded slots; aggregated tables only.
    pub fn report_html(&mut self, opts: &ViewOptions) -> Result<String, WorkspaceError> {
        let diff = if self.a.is_some() && self.b.is_some() {
            Some(self.compare(opts)?)
        } else {
            None
        };
        let mut tops = Vec::new();
        for (id, label) in [(SlotId::A, "A"), (SlotId::B, "B")] {
            if self.slot_mut(id).is_some() {
                tops.push((label, self.top(id, opts)?));
            }
        }
        let names: Vec<String> = tops
            .iter()
            .map(|(label, t)| format!("{label}: {}", t.header.file))
            .collect();
        let title = format!("profdiff report ({})", names.join(", "));
        let tops: Vec<(&str, &TopReport)> = tops.iter().map(|(l, t)| (*l, t)).collect();
        Ok(report::html::report(&title, diff.as_ref(), &tops))
    }

    /// The flame graph's frames for one zoom, width base and search (see `flame::Flame::view`).
    pub fn flame_view(
        &mut self,
        opts: &ViewOptions,
        req: &ViewRequest,
    ) -> Result<FlameViewDto, WorkspaceError> {
        let labels = self.flame_labels();
        let f = self.flame(opts, req.inverted)?;
        Ok(FlameViewDto::new(f, &f.view(req), &labels))
    }

    /// One frame's numbers, the frame given by its path (`req.zoom`).
    pub fn flame_frame(
        &mut self,
        opts: &ViewOptions,
        req: &ViewRequest,
    ) -> Result<Option<FrameDto>, WorkspaceError> {
        let f = self.flame(opts, req.inverted)?;
        Ok(f.resolve(&req.zoom).map(|frame| FrameDto::new(f, frame)))
    }

    /// The flame graph as `profdiff flame --format=folded|svg|json` prints it.
    pub fn export_flame(
        &mut self,
        opts: &ViewOptions,
        req: &ViewRequest,
        format: &str,
    ) -> Result<String, WorkspaceError> {
        let labels = self.flame_labels();
        let f = self.flame(opts, req.inverted)?;
        report::flame::render(f, req, &labels, format).map_err(WorkspaceError::Usage)
    }

    /// "A" and "B", or the one loaded slot's name.
    fn flame_labels(&self) -> [String; 2] {
        match (&self.a, &self.b) {
            (Some(_), None) => ["A".to_string(), String::new()],
            (None, Some(_)) => ["B".to_string(), String::new()],
            _ => ["A".to_string(), "B".to_string()],
        }
    }

    /// The flame graph of the loaded slots (both when both are), built once per options.
    // Kept small on purpose: the per-options tree cache of the scale work replaces its body.
    fn flame(&mut self, opts: &ViewOptions, inverted: bool) -> Result<&Flame, WorkspaceError> {
        let fresh = matches!(&self.flame, Some((o, inv, _)) if o == opts && *inv == inverted);
        if !fresh {
            self.flame = None;
            let flame_opts = flame::Options {
                top: opts.top().map_err(WorkspaceError::Options)?,
                normalize: opts.normalize,
                inverted,
            };
            let built = if self.a.is_some() && self.b.is_some() {
                let (a, b, _, _) = self.both(opts.raw_names)?;
                flame::build(a, Some(b), &flame_opts)
            } else {
                let id = if self.a.is_some() {
                    SlotId::A
                } else {
                    SlotId::B
                };
                let p = self.loaded(id)?.prepared(opts.raw_names)?;
                flame::build(p, None, &flame_opts)
            };
            let f = built.map_err(WorkspaceError::Compare)?;
            self.flame = Some((opts.clone(), inverted, f));
        }
        Ok(&self.flame.as_ref().expect("built just above").2)
    }

    /// Both slots' prepared profiles and file names.
    fn both(&mut self, raw_names: bool) -> Result<Both<'_>, WorkspaceError> {
        // Prepare each side first; the shared borrows below then cannot conflict.
        self.loaded(SlotId::A)?.prepared(raw_names)?;
        self.loaded(SlotId::B)?.prepared(raw_names)?;
        let i = usize::from(raw_names);
        let (Some(a), Some(b)) = (&self.a, &self.b) else {
            unreachable!("both slots were loaded just above");
        };
        let (Some(pa), Some(pb)) = (&a.prepared[i], &b.prepared[i]) else {
            unreachable!("both slots were prepared just above");
        };
        Ok((pa, pb, a.files.clone(), b.files.clone()))
    }

    /// Decodes a series of snapshots of one process (at least two files, of one kind). On
    /// error the previous series stays.
    pub fn load_series(
        &mut self,
        files: &[(String, &[u8])],
        progress: &mut dyn FnMut(Progress),
    ) -> Result<SeriesSummary, WorkspaceError> {
        if files.len() < 2 {
            return Err(WorkspaceError::Trend(TrendError::TooFew(files.len())));
        }
        let decoded = self.decode_slot(files, progress)?;
        let named: Vec<(&str, &Profile)> = decoded
            .files
            .iter()
            .map(String::as_str)
            .zip(&decoded.raw)
            .collect();
        trend::check_one_kind(&named).map_err(WorkspaceError::Trend)?;
        let summary = SeriesSummary::new(&decoded.files, &decoded.summaries);
        let prepared = decoded
            .raw
            .into_iter()
            .map(|p| top::prepare(vec![p], false))
            .collect::<Result<Vec<_>, _>>()
            .map_err(WorkspaceError::Prepare)?;
        self.series = Some(SeriesSlot {
            files: decoded.files,
            bytes: files.iter().map(|(_, b)| b.to_vec()).collect(),
            prepared: [Some(prepared), None],
        });
        Ok(summary)
    }

    pub fn clear_series(&mut self) {
        self.series = None;
    }

    fn series_loaded(&mut self) -> Result<&mut SeriesSlot, WorkspaceError> {
        self.series.as_mut().ok_or(WorkspaceError::Empty("series"))
    }

    /// The trend over the loaded series.
    pub fn trend(&mut self, opts: &ViewOptions) -> Result<TrendReport, WorkspaceError> {
        let t = self.trend_table(opts)?;
        Ok(TrendReport::new(&t))
    }

    /// The trend in a CLI `--format`.
    pub fn export_trend(
        &mut self,
        opts: &ViewOptions,
        format: &str,
    ) -> Result<String, WorkspaceError> {
        let format = parse_format(format)?;
        let t = self.trend_table(opts)?;
        Ok(report::trend(&t, format))
    }

    fn trend_table(&mut self, opts: &ViewOptions) -> Result<trend::Trend, WorkspaceError> {
        let trend_opts = opts.trend().map_err(WorkspaceError::Options)?;
        let limits = self.limits;
        let series = self.series_loaded()?;
        let files = series.files.clone();
        let prepared = series.prepared(opts.raw_names, &limits)?;
        let snapshots: Vec<(&str, &Profile)> =
            files.iter().map(String::as_str).zip(prepared).collect();
        trend::trend(&snapshots, &trend_opts).map_err(WorkspaceError::Trend)
    }

    /// Loads the series' first and last snapshots (in the order `opts` gives) as A and B.
    pub fn compare_first_last(&mut self, opts: &ViewOptions) -> Result<SlotPair, WorkspaceError> {
        let how = opts.trend().map_err(WorkspaceError::Options)?.order;
        let limits = self.limits;
        let series = self.series_loaded()?;
        let files = series.files.clone();
        let order = {
            let prepared = series.prepared(false, &limits)?;
            let named: Vec<(&str, &Profile)> =
                files.iter().map(String::as_str).zip(prepared).collect();
            trend::series_order(&named, how)
        };
        let slot_of = |s: usize| -> Result<Slot, WorkspaceError> {
            let raw = series.decode(s, &limits)?;
            Ok(Slot {
                files: vec![series.files[s].clone()],
                summaries: vec![Summary::of(&raw)],
                raw: vec![raw],
                prepared: [None, None],
            })
        };
        let mut a = slot_of(order[0])?;
        let mut b = slot_of(order[order.len() - 1])?;
        let pair = SlotPair {
            a: Some(a.summary(SlotId::A)?),
            b: Some(b.summary(SlotId::B)?),
        };
        self.a = Some(a);
        self.b = Some(b);
        Ok(pair)
    }
}
