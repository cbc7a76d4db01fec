//! The page's state in the core: two slots, A (baseline) and B (new), each holding the decoded
//! profiles of its files, and every report computed from them. The WASM face wraps this type
//! one method per export; it keeps decoded profiles so that changing an option never decodes
//! again.

use crate::compare::{self, CompareError};
use crate::decode::{self, Limits, Stage};
use crate::error::DecodeError;
use crate::options::{OptionsError, ViewOptions};
use crate::profile::Profile;
use crate::report::json::{
    DiffReport, MemStatsReport, PathsReport, PeekReport, SlotSummary, TopReport,
};
use crate::report::{self, Format};
use crate::summary::Summary;
use crate::top::{self, PrepareError, TopError};

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

/// Two slots and the reports over them.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    a: Option<Slot>,
    b: Option<Slot>,
    limits: Limits,
}

impl Workspace {
    pub fn new(limits: Limits) -> Workspace {
        Workspace {
            a: None,
            b: None,
            limits,
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
        *self.slot_mut(id) = Some(slot);
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
        let mut raw = Vec::with_capacity(count);
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
            raw.push(profile);
        }
        progress(Progress {
            stage: "merging",
            file_index: count - 1,
            file_count: count,
        });
        Ok(Slot {
            files: files.iter().map(|(n, _)| n.clone()).collect(),
            summaries: raw.iter().map(Summary::of).collect(),
            raw,
            prepared: [None, None],
        })
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
        let mut one = self.decode_slot(std::slice::from_ref(first), progress)?;
        let mut two = self.decode_slot(std::slice::from_ref(second), progress)?;
        let time = |s: &Slot| s.raw[0].time_nanos;
        if time(&two) != 0 && (time(&one) == 0 || time(&two) < time(&one)) {
            std::mem::swap(&mut one, &mut two);
        }
        let (a, b) = (one.summary(SlotId::A)?, two.summary(SlotId::B)?);
        self.a = Some(one);
        self.b = Some(two);
        Ok((a, b))
    }

    pub fn clear(&mut self, id: SlotId) {
        *self.slot_mut(id) = None;
    }

    pub fn swap(&mut self) {
        std::mem::swap(&mut self.a, &mut self.b);
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
        let top_opts = opts.top().map_err(WorkspaceError::Options)?;
        let profile = self.loaded(id)?.prepared(opts.raw_names)?;
        let table = top::top(profile, &top_opts).map_err(WorkspaceError::Top)?;
        Ok(TopReport::new(&table))
    }

    /// The comparison of A and B.
    pub fn compare(&mut self, opts: &ViewOptions) -> Result<DiffReport, WorkspaceError> {
        let cmp_opts = opts.compare().map_err(WorkspaceError::Options)?;
        let (a, b, a_files, b_files) = self.both(opts.raw_names)?;
        let c = compare::compare(a, b, &cmp_opts).map_err(WorkspaceError::Compare)?;
        Ok(DiffReport::new(&c, &a_files, &b_files))
    }

    /// Growth paths from A to B.
    pub fn paths(&mut self, opts: &ViewOptions) -> Result<PathsReport, WorkspaceError> {
        let path_opts = opts.paths().map_err(WorkspaceError::Options)?;
        let (a, b, a_files, b_files) = self.both(opts.raw_names)?;
        let p = compare::paths(a, b, &path_opts).map_err(WorkspaceError::Compare)?;
        Ok(PathsReport::new(&p, &a_files, &b_files))
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
        let top_opts = opts.top().map_err(WorkspaceError::Options)?;
        let profile = self.loaded(id)?.prepared(opts.raw_names)?;
        let table = top::top(profile, &top_opts).map_err(WorkspaceError::Top)?;
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
        let path_opts = opts.paths().map_err(WorkspaceError::Options)?;
        let (a, b, a_files, b_files) = self.both(opts.raw_names)?;
        let p = compare::paths(a, b, &path_opts).map_err(WorkspaceError::Compare)?;
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
}
