//! Wire structs → the resolved model: string indices become `StrId`s (checked against the
//! table), sparse ids become dense indices, and pprof's `CheckValid` rules run in its order.

use std::collections::HashMap;

use crate::error::{DecodeError, Malformed};
use crate::profile::{
    FuncIdx, Function, Label, LabelValue, Line, LocIdx, Location, MapIdx, Mapping, Profile,
    SampleTable, StrId, ValueType, to_u32,
};
use crate::proto;

use super::read_ahead::RawSamples;
use super::wire;
use crate::parallel;

/// Where the samples come from: the bytes of each sample field, or the columns the read-ahead
/// filled while inflating.
pub(super) enum Samples<'a> {
    Wire(&'a [&'a [u8]]),
    ReadAhead(RawSamples),
}

pub(super) fn resolve(
    wire: proto::Profile,
    sample: Samples,
    limits: &super::Limits,
) -> Result<Profile, DecodeError> {
    let proto::Profile {
        sample_type,
        sample: _,
        mapping,
        location,
        function,
        string_table,
        drop_frames,
        keep_frames,
        time_nanos,
        duration_nanos,
        period_type,
        period,
        comment,
        default_sample_type,
        doc_url,
    } = wire;

    if string_table.first().is_some_and(|s| !s.is_empty()) {
        return Err(DecodeError::StringTableZero);
    }
    let strings: Vec<String> = string_table.into_iter().map(lossy_string).collect();
    let table = Strings(&strings);

    let mappings = mapping
        .iter()
        .map(|m| {
            Ok(Mapping {
                id: m.id,
                start: m.memory_start,
                limit: m.memory_limit,
                offset: m.file_offset,
                file: table.text(m.filename, "mapping filename")?,
                build_id: table.text(m.build_id, "mapping build_id")?,
                has_functions: m.has_functions,
                has_filenames: m.has_filenames,
                has_line_numbers: m.has_line_numbers,
                has_inline_frames: m.has_inline_frames,
            })
        })
        .collect::<Result<Vec<_>, DecodeError>>()?;
    let functions = function
        .iter()
        .map(|f| {
            Ok(Function {
                id: f.id,
                name: table.id(f.name, "function name")?,
                system_name: table.id(f.system_name, "function system_name")?,
                filename: table.id(f.filename, "function filename")?,
                start_line: f.start_line,
            })
        })
        .collect::<Result<Vec<_>, DecodeError>>()?;
    let sample_types = sample_type
        .iter()
        .map(|t| table.value_type(t, "sample_type"))
        .collect::<Result<Vec<_>, _>>()?;

    let mapping_ids = IdIndex::new(mapping.iter().map(|m| m.id));
    let function_ids = IdIndex::new(function.iter().map(|f| f.id));
    let location_ids = IdIndex::new(location.iter().map(|l| l.id));

    let n_types = sample_types.len();
    let samples = match sample {
        Samples::Wire(bytes) => resolve_samples(bytes, &table, &location_ids, n_types, limits)?,
        Samples::ReadAhead(raw) => resolve_raw_samples(raw, &table, &location_ids, n_types)?,
    };
    let drop_frames = table.text(drop_frames, "drop_frames")?;
    let keep_frames = table.text(keep_frames, "keep_frames")?;
    let period_type = match &period_type {
        Some(t) => table.value_type(t, "period_type")?,
        None => ValueType::default(),
    };
    let comments = comment
        .iter()
        .map(|&c| table.text(c, "comment"))
        .collect::<Result<Vec<_>, _>>()?;
    let default_sample_type = table.text(default_sample_type, "default_sample_type")?;
    let doc_url = table.text(doc_url, "doc_url")?;

    check_ids(&mapping, |m| m.id, "mapping")?;
    check_ids(&function, |f| f.id, "function")?;
    let locations = resolve_locations(&location, &mapping_ids, &function_ids)?;

    Ok(Profile {
        strings,
        sample_types,
        samples,
        mappings,
        locations,
        functions,
        drop_frames,
        keep_frames,
        time_nanos,
        duration_nanos,
        period_type,
        period,
        comments,
        default_sample_type,
        doc_url,
        memstats: None,
    })
}

/// Strings in profiles are bytes; pprof shows whatever they hold, so invalid UTF-8 is replaced
/// rather than refused.
fn lossy_string(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// The string table, checked on every lookup.
struct Strings<'a>(&'a [String]);

impl Strings<'_> {
    fn id(&self, index: i64, what: &'static str) -> Result<StrId, DecodeError> {
        match usize::try_from(index) {
            Ok(i) if i < self.0.len() => Ok(StrId(to_u32(i))),
            // pprof treats index 0 of a missing table as out of range, and so do we.
            _ => Err(DecodeError::StringIndex {
                what,
                index,
                len: self.0.len(),
            }),
        }
    }

    fn text(&self, index: i64, what: &'static str) -> Result<String, DecodeError> {
        let id = self.id(index, what)?;
        Ok(self.0[id.0 as usize].clone())
    }

    fn value_type(
        &self,
        t: &proto::ValueType,
        what: &'static str,
    ) -> Result<ValueType, DecodeError> {
        Ok(ValueType {
            ty: self.text(t.r#type, what)?,
            unit: self.text(t.unit, what)?,
        })
    }
}

/// Maps sparse wire ids to dense indices. Producers almost always number ids 1..=n, which an
/// array serves; other ids fall back to a hash map. For duplicated ids the last one wins, as in
/// pprof (the duplicate is reported separately).
struct IdIndex {
    dense: Vec<u32>,
    sparse: HashMap<u64, u32>,
}

impl IdIndex {
    const NONE: u32 = u32::MAX;

    fn new(ids: impl ExactSizeIterator<Item = u64>) -> IdIndex {
        let mut dense = vec![Self::NONE; ids.len() + 1];
        let mut sparse = HashMap::new();
        for (idx, id) in ids.enumerate() {
            match dense.get_mut(id as usize) {
                Some(slot) if id < dense_len_bound() => *slot = to_u32(idx),
                _ => {
                    sparse.insert(id, to_u32(idx));
                }
            }
        }
        IdIndex { dense, sparse }
    }

    /// Called once per stack frame: inlined, with the hash map out of line.
    #[inline]
    fn get(&self, id: u64) -> Option<u32> {
        if id < dense_len_bound()
            && let Some(&idx) = self.dense.get(id as usize)
        {
            return (idx != Self::NONE).then_some(idx);
        }
        self.get_sparse(id)
    }

    #[cold]
    #[inline(never)]
    fn get_sparse(&self, id: u64) -> Option<u32> {
        self.sparse.get(&id).copied()
    }
}

/// Ids at or above this never index the dense array, so `id as usize` cannot truncate.
const fn dense_len_bound() -> u64 {
    u32::MAX as u64
}

/// Reads each sample's bytes straight into the flat table, resolving location ids and label
/// strings, and checks what pprof's CheckValid checks of samples.
///
/// Many samples are read in two halves at once where there are threads. When either half
/// fails, or the halves together pass the frame limit, the samples are read again in order so
/// that the error is the one a reading in order meets first.
fn resolve_samples(
    samples: &[&[u8]],
    table: &Strings,
    location_ids: &IdIndex,
    n_types: usize,
    limits: &super::Limits,
) -> Result<SampleTable, DecodeError> {
    if n_types == 0 && !samples.is_empty() {
        return Err(DecodeError::Malformed(Malformed::MissingSampleTypes));
    }
    let read = |part: &[&[u8]]| resolve_in_order(part, table, location_ids, n_types, limits);
    if parallel::worth_splitting(samples.len()) {
        let (first, second) = samples.split_at(samples.len() / 2);
        if let (Ok(mut one), Ok(two)) = parallel::both(|| read(first), || read(second))
            && ((one.n_frames() + two.n_frames()) as u64) <= limits.max_frames
        {
            one.append(two);
            return Ok(one);
        }
    }
    read(samples)
}

fn resolve_in_order(
    samples: &[&[u8]],
    table: &Strings,
    location_ids: &IdIndex,
    n_types: usize,
    limits: &super::Limits,
) -> Result<SampleTable, DecodeError> {
    let mut out = SampleTable::new(n_types);
    let mut ids: Vec<u64> = Vec::new();
    let mut stack: Vec<LocIdx> = Vec::new();
    let mut values: Vec<i64> = Vec::with_capacity(n_types);
    let mut labels: Vec<Label> = Vec::new();
    for bytes in samples {
        ids.clear();
        values.clear();
        labels.clear();
        read_sample(bytes, &mut ids, &mut values, &mut labels, table)?;
        if values.len() != n_types {
            return Err(DecodeError::Malformed(Malformed::ValueCount {
                got: values.len(),
                want: n_types,
            }));
        }
        if ids.len() as u64 > limits.max_stack_depth {
            return Err(DecodeError::Limit {
                what: "locations in one stack",
                limit: limits.max_stack_depth,
                flag: "--max-stack-depth",
            });
        }
        if (out.n_frames() + ids.len()) as u64 > limits.max_frames {
            return Err(DecodeError::Limit {
                what: "stack frames in all",
                limit: limits.max_frames,
                flag: "--max-frames",
            });
        }
        stack.clear();
        for &id in &ids {
            match location_ids.get(id) {
                Some(idx) => stack.push(LocIdx(idx)),
                None => return Err(DecodeError::Malformed(Malformed::UnknownLocation { id })),
            }
        }
        out.push(&stack, &values, &labels);
    }
    Ok(out)
}

/// The read-ahead's columns, checked as [`resolve_in_order`] checks each sample. The limits
/// were checked while reading ahead. Errors here only send the decode back to the ordinary
/// path, which finds the first one in sample order.
fn resolve_raw_samples(
    raw: RawSamples,
    table: &Strings,
    location_ids: &IdIndex,
    n_types: usize,
) -> Result<SampleTable, DecodeError> {
    if n_types == 0 && raw.len() != 0 {
        return Err(DecodeError::Malformed(Malformed::MissingSampleTypes));
    }
    let mut start = 0;
    for &end in &raw.value_ends {
        if end as usize - start != n_types {
            return Err(DecodeError::Malformed(Malformed::ValueCount {
                got: end as usize - start,
                want: n_types,
            }));
        }
        start = end as usize;
    }
    let stacks = raw
        .ids
        .into_iter()
        .map(|id| match location_ids.get(u64::from(id)) {
            Some(idx) => Ok(LocIdx(idx)),
            None => Err(DecodeError::Malformed(Malformed::UnknownLocation {
                id: u64::from(id),
            })),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (labels, label_ends) = resolve_raw_labels(&raw.labels, &raw.label_ends, table)?;
    Ok(SampleTable::from_columns(
        n_types,
        raw.values,
        raw.id_ends,
        stacks,
        label_ends,
        labels,
    ))
}

/// Labels resolved against the string table; pprof drops labels with neither a string nor a
/// number, so the end offsets are counted again.
fn resolve_raw_labels(
    raw: &[proto::Label],
    ends: &[u32],
    table: &Strings,
) -> Result<(Vec<Label>, Vec<u32>), DecodeError> {
    if raw.is_empty() {
        return Ok((Vec::new(), ends.to_vec()));
    }
    let mut labels = Vec::with_capacity(raw.len());
    let mut new_ends = Vec::with_capacity(ends.len());
    let mut start = 0;
    for &end in ends {
        for l in &raw[start..end as usize] {
            labels.extend(resolve_label(l, table)?);
        }
        new_ends.push(to_u32(labels.len()));
        start = end as usize;
    }
    Ok((labels, new_ends))
}

/// One `Sample` message: location ids (1), values (2), labels (3).
fn read_sample(
    bytes: &[u8],
    ids: &mut Vec<u64>,
    values: &mut Vec<i64>,
    labels: &mut Vec<Label>,
    table: &Strings,
) -> Result<(), DecodeError> {
    let mut reader = wire::Reader::new(bytes);
    while let Some((field, value, _)) = reader.field().map_err(DecodeError::Protobuf)? {
        match field {
            1 => wire::for_each_varint(field, value, |v| ids.push(v)),
            2 => wire::for_each_varint(field, value, |v| values.push(v as i64)),
            3 => match value {
                wire::Value::Bytes(label) => {
                    if let Some(l) = read_label(label, table)? {
                        labels.push(l);
                    }
                    Ok(())
                }
                _ => Err("type mismatch for field 3".to_string()),
            },
            _ => Ok(()),
        }
        .map_err(DecodeError::Protobuf)?;
    }
    Ok(())
}

/// One `Label` message. pprof keeps a label as a string label when `str` is set, as a numeric
/// label when `num` or `num_unit` is set, and silently drops it otherwise.
fn read_label(bytes: &[u8], table: &Strings) -> Result<Option<Label>, DecodeError> {
    resolve_label(&read_raw_label(bytes)?, table)
}

/// One `Label` message as written.
pub(super) fn read_raw_label(bytes: &[u8]) -> Result<proto::Label, DecodeError> {
    let mut l = proto::Label::default();
    let mut reader = wire::Reader::new(bytes);
    while let Some((field, value, _)) = reader.field().map_err(DecodeError::Protobuf)? {
        let slot = match field {
            1 => &mut l.key,
            2 => &mut l.str,
            3 => &mut l.num,
            4 => &mut l.num_unit,
            _ => continue,
        };
        *slot = wire::varint_of(field, value).map_err(DecodeError::Protobuf)? as i64;
    }
    Ok(l)
}

fn resolve_label(l: &proto::Label, table: &Strings) -> Result<Option<Label>, DecodeError> {
    let key = table.id(l.key, "label key")?;
    let value = if l.str != 0 {
        LabelValue::Str(table.id(l.str, "label value")?)
    } else if l.num != 0 || l.num_unit != 0 {
        LabelValue::Num {
            value: l.num,
            unit: table.id(l.num_unit, "label unit")?,
        }
    } else {
        return Ok(None);
    };
    Ok(Some(Label { key, value }))
}

fn check_ids<T>(
    items: &[T],
    id: impl Fn(&T) -> u64,
    kind: &'static str,
) -> Result<(), DecodeError> {
    let mut seen = IdSet::with_capacity(items.len());
    for item in items {
        let id = id(item);
        if id == 0 {
            return Err(DecodeError::Malformed(Malformed::ZeroId { kind }));
        }
        if !seen.insert(id) {
            return Err(DecodeError::Malformed(Malformed::DuplicateId { kind, id }));
        }
    }
    Ok(())
}

fn resolve_locations(
    locations: &[proto::Location],
    mapping_ids: &IdIndex,
    function_ids: &IdIndex,
) -> Result<Vec<Location>, DecodeError> {
    let mut seen = IdSet::with_capacity(locations.len());
    let mut out = Vec::with_capacity(locations.len());
    for l in locations {
        if l.id == 0 {
            return Err(DecodeError::Malformed(Malformed::ZeroLocationId));
        }
        if !seen.insert(l.id) {
            return Err(DecodeError::Malformed(Malformed::DuplicateId {
                kind: "location",
                id: l.id,
            }));
        }
        let lines = l
            .line
            .iter()
            .map(|line| match function_ids.get(line.function_id) {
                Some(idx) if line.function_id != 0 => Ok(Line {
                    function: FuncIdx(idx),
                    line: line.line,
                    column: line.column,
                }),
                _ => Err(DecodeError::Malformed(Malformed::LineWithoutFunction {
                    location: l.id,
                })),
            })
            .collect::<Result<Vec<_>, _>>()?;
        out.push(Location {
            id: l.id,
            // An unknown mapping id means "no mapping", without error, as in pprof.
            mapping: mapping_ids.get(l.mapping_id).map(MapIdx),
            address: l.address,
            lines,
            is_folded: l.is_folded,
        });
    }
    Ok(out)
}

/// A set of ids that avoids hashing when ids are small and dense, which they nearly always are.
struct IdSet {
    dense: Vec<bool>,
    sparse: std::collections::HashSet<u64>,
}

impl IdSet {
    fn with_capacity(n: usize) -> IdSet {
        IdSet {
            dense: vec![false; n + 1],
            sparse: Default::default(),
        }
    }

    /// Returns false when `id` was already present.
    fn insert(&mut self, id: u64) -> bool {
        match usize::try_from(id).ok().and_then(|i| self.dense.get_mut(i)) {
            Some(slot) => !std::mem::replace(slot, true),
            None => self.sparse.insert(id),
        }
    }
}
