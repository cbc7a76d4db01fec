//! The resolved profile model: what a profile.proto file means, with ids and string indices
//! already checked and turned into dense indices.
//!
//! Functions, locations and mappings live in `Vec`s and refer to each other by dense index
//! (`FuncIdx`, `LocIdx`, `MapIdx`), never by the sparse ids of the wire format. Function names,
//! file names and label strings are interned in one string table and referenced by `StrId`.
//! Samples are stored column-wise in a `SampleTable` so that a profile with a million samples
//! costs a handful of allocations, not millions.

use std::ops::Range;

/// Index into `Profile::strings`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct StrId(pub u32);

/// Index into `Profile::functions`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncIdx(pub u32);

/// Index into `Profile::locations`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocIdx(pub u32);

/// Index into `Profile::mappings`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MapIdx(pub u32);

impl StrId {
    /// The empty string, which every string table holds at index 0.
    pub const EMPTY: StrId = StrId(0);
}

/// The semantics and unit of a sample value, e.g. `inuse_space` / `bytes`.
#[derive(Clone, Debug, PartialEq, Eq, Default, Hash)]
pub struct ValueType {
    pub ty: String,
    pub unit: String,
}

/// A memory region mapped into the profiled process.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Mapping {
    pub id: u64,
    pub start: u64,
    pub limit: u64,
    pub offset: u64,
    pub file: String,
    pub build_id: String,
    pub has_functions: bool,
    pub has_filenames: bool,
    pub has_line_numbers: bool,
    pub has_inline_frames: bool,
}

/// A function in the profiled program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Function {
    pub id: u64,
    pub name: StrId,
    pub system_name: StrId,
    pub filename: StrId,
    pub start_line: i64,
}

/// One frame of a location: `lines[0]` of a location is the innermost inlined callee and the
/// last line is the physical function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Line {
    pub function: FuncIdx,
    pub line: i64,
    pub column: i64,
}

/// A program counter and the (possibly inlined) source frames it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub id: u64,
    pub mapping: Option<MapIdx>,
    pub address: u64,
    pub lines: Vec<Line>,
    pub is_folded: bool,
}

/// The value of a sample label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LabelValue {
    Str(StrId),
    /// A number with its unit (`StrId::EMPTY` when the profile gave none).
    Num {
        value: i64,
        unit: StrId,
    },
}

/// A key/value pair attached to a sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    pub key: StrId,
    pub value: LabelValue,
}

/// All samples of a profile, stored column-wise.
///
/// Sample `i` has the stack `stack(i)` (leaf first), the values `values(i)` (one per sample type)
/// and the labels `labels(i)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SampleTable {
    n_values: usize,
    values: Vec<i64>,
    stack_ends: Vec<u32>,
    stacks: Vec<LocIdx>,
    label_ends: Vec<u32>,
    labels: Vec<Label>,
}

impl SampleTable {
    /// An empty table whose samples carry `n_values` values each.
    pub fn new(n_values: usize) -> SampleTable {
        SampleTable {
            n_values,
            ..SampleTable::default()
        }
    }

    /// An empty table shaped like `self`, with room for `capacity` samples.
    pub fn empty_like(&self, capacity: usize) -> SampleTable {
        SampleTable {
            n_values: self.n_values,
            values: Vec::with_capacity(capacity * self.n_values),
            stack_ends: Vec::with_capacity(capacity),
            stacks: Vec::with_capacity(self.stacks.len().min(capacity * 64)),
            label_ends: Vec::with_capacity(capacity),
            labels: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.stack_ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stack_ends.is_empty()
    }

    /// Number of values each sample carries.
    pub fn n_values(&self) -> usize {
        self.n_values
    }

    /// Total number of stack frames (locations) over all samples.
    pub fn n_frames(&self) -> usize {
        self.stacks.len()
    }

    pub fn push(&mut self, stack: &[LocIdx], values: &[i64], labels: &[Label]) {
        debug_assert_eq!(values.len(), self.n_values);
        self.values.extend_from_slice(values);
        self.stacks.extend_from_slice(stack);
        self.stack_ends.push(to_u32(self.stacks.len()));
        self.labels.extend_from_slice(labels);
        self.label_ends.push(to_u32(self.labels.len()));
    }

    /// A table from its columns: `stack_ends[i]` and `label_ends[i]` are the end offsets of
    /// sample `i`'s stack and labels (non-decreasing, the last equal to the column's length),
    /// and `values` holds `n_values` values per sample.
    pub(crate) fn from_columns(
        n_values: usize,
        values: Vec<i64>,
        stack_ends: Vec<u32>,
        stacks: Vec<LocIdx>,
        label_ends: Vec<u32>,
        labels: Vec<Label>,
    ) -> SampleTable {
        debug_assert_eq!(values.len(), stack_ends.len() * n_values);
        debug_assert_eq!(stack_ends.last().map_or(0, |&e| e as usize), stacks.len());
        debug_assert_eq!(label_ends.last().map_or(0, |&e| e as usize), labels.len());
        SampleTable {
            n_values,
            values,
            stack_ends,
            stacks,
            label_ends,
            labels,
        }
    }

    /// Appends the samples of `other` (of the same shape) after those of `self`.
    pub fn append(&mut self, other: SampleTable) {
        debug_assert_eq!(other.n_values, self.n_values);
        let (stacks, labels) = (to_u32(self.stacks.len()), to_u32(self.labels.len()));
        self.values.extend_from_slice(&other.values);
        self.stacks.extend_from_slice(&other.stacks);
        self.stack_ends
            .extend(other.stack_ends.iter().map(|&end| stacks + end));
        self.labels.extend_from_slice(&other.labels);
        self.label_ends
            .extend(other.label_ends.iter().map(|&end| labels + end));
    }

    /// The locations of sample `i`, leaf first.
    pub fn stack(&self, i: usize) -> &[LocIdx] {
        &self.stacks[range(&self.stack_ends, i)]
    }

    pub fn values(&self, i: usize) -> &[i64] {
        &self.values[i * self.n_values..(i + 1) * self.n_values]
    }

    pub fn values_mut(&mut self, i: usize) -> &mut [i64] {
        &mut self.values[i * self.n_values..(i + 1) * self.n_values]
    }

    pub fn labels(&self, i: usize) -> &[Label] {
        &self.labels[range(&self.label_ends, i)]
    }

    /// Value `index` of sample `i`.
    pub fn value(&self, i: usize, index: usize) -> i64 {
        self.values[i * self.n_values + index]
    }

    /// The same samples without their labels (`profdiff html --strip-labels`: label values
    /// can hold user data).
    pub fn without_labels(&self) -> SampleTable {
        SampleTable {
            label_ends: vec![0; self.label_ends.len()],
            labels: Vec::new(),
            ..self.clone()
        }
    }
}

fn range(ends: &[u32], i: usize) -> Range<usize> {
    let start = if i == 0 { 0 } else { ends[i - 1] as usize };
    start..ends[i] as usize
}

/// Converts an in-memory length to the u32 used for dense indices. Inputs are bounded by the
/// decoder's limits far below 4 G entries, so a failure here is a bug, not bad input.
pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("table sizes are bounded by decode limits")
}

/// A decoded, validated profile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    /// The interned strings; `strings[0]` is always "".
    pub strings: Vec<String>,
    pub sample_types: Vec<ValueType>,
    pub samples: SampleTable,
    pub mappings: Vec<Mapping>,
    pub locations: Vec<Location>,
    pub functions: Vec<Function>,
    pub drop_frames: String,
    pub keep_frames: String,
    pub time_nanos: i64,
    pub duration_nanos: i64,
    pub period_type: ValueType,
    pub period: i64,
    pub comments: Vec<String>,
    pub default_sample_type: String,
    pub doc_url: String,
    /// `runtime.MemStats` when the profile came from a Go heap text (`debug=1`) that ends with
    /// it; protobuf profiles never carry it.
    pub memstats: Option<crate::memstats::MemStats>,
}

impl Profile {
    pub fn str(&self, id: StrId) -> &str {
        &self.strings[id.0 as usize]
    }

    pub fn function(&self, idx: FuncIdx) -> &Function {
        &self.functions[idx.0 as usize]
    }

    pub fn location(&self, idx: LocIdx) -> &Location {
        &self.locations[idx.0 as usize]
    }

    pub fn mapping(&self, idx: MapIdx) -> &Mapping {
        &self.mappings[idx.0 as usize]
    }

    /// Appends a string to the table and returns its id.
    pub fn add_string(&mut self, s: String) -> StrId {
        self.strings.push(s);
        StrId(to_u32(self.strings.len() - 1))
    }

    /// The mapping file of a location, or "" when it has none.
    pub fn location_objfile(&self, loc: &Location) -> &str {
        loc.mapping.map_or("", |m| self.mapping(m).file.as_str())
    }

    /// Units of numeric labels by key, as pprof's `NumLabelUnits` decides them: the first unit
    /// seen for a key wins; keys without any unit get "bytes" for `alignment` and `request`
    /// and the key itself otherwise.
    pub fn num_label_units(&self) -> std::collections::HashMap<StrId, String> {
        let mut units: std::collections::HashMap<StrId, String> = Default::default();
        let mut keys_without_unit: Vec<StrId> = Vec::new();
        for i in 0..self.samples.len() {
            for label in self.samples.labels(i) {
                if let LabelValue::Num { unit, .. } = label.value {
                    if unit != StrId::EMPTY && !self.str(unit).is_empty() {
                        units
                            .entry(label.key)
                            .or_insert_with(|| self.str(unit).to_string());
                    } else {
                        keys_without_unit.push(label.key);
                    }
                }
            }
        }
        for key in keys_without_unit {
            units.entry(key).or_insert_with(|| {
                let name = self.str(key);
                match name {
                    "alignment" | "request" => "bytes".to_string(),
                    _ => name.to_string(),
                }
            });
        }
        units
    }
}

/// Chooses the sample value to report, following pprof's `SampleIndexByName`.
///
/// An empty `name` picks `default_sample_type` when it names a type and the last type otherwise.
/// A decimal number is an index. Otherwise the first type whose name equals `name`, or equals
/// `name` without a leading `inuse_`, is chosen.
pub fn sample_index_by_name(profile: &Profile, name: &str) -> Result<usize, SampleIndexError> {
    let types = &profile.sample_types;
    if types.is_empty() {
        return Err(SampleIndexError::NoSampleTypes);
    }
    if name.is_empty() {
        if !profile.default_sample_type.is_empty()
            && let Some(i) = types
                .iter()
                .position(|t| t.ty == profile.default_sample_type)
        {
            return Ok(i);
        }
        return Ok(types.len() - 1);
    }
    if let Some(n) = parse_go_atoi(name) {
        return match usize::try_from(n) {
            Ok(i) if i < types.len() => Ok(i),
            _ => Err(SampleIndexError::OutOfRange {
                index: name.to_string(),
                max: types.len() - 1,
            }),
        };
    }
    let no_inuse = name.strip_prefix("inuse_").unwrap_or(name);
    if let Some(i) = types.iter().position(|t| t.ty == name || t.ty == no_inuse) {
        return Ok(i);
    }
    Err(SampleIndexError::NoSuchType {
        name: name.to_string(),
        types: types.iter().map(|t| t.ty.clone()).collect(),
    })
}

/// Go's `strconv.Atoi`: an optional sign and decimal digits, nothing else.
fn parse_go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Why a sample index could not be chosen; the texts are pprof's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SampleIndexError {
    #[error("profile has no samples")]
    NoSampleTypes,
    #[error("sample_index {index} is outside the range [0..{max}]")]
    OutOfRange { index: String, max: usize },
    #[error("sample_index {name:?} must be one of: [{}]", types.join(" "))]
    NoSuchType { name: String, types: Vec<String> },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(types: &[&str], default: &str) -> Profile {
        Profile {
            strings: vec![String::new()],
            sample_types: types
                .iter()
                .map(|t| ValueType {
                    ty: t.to_string(),
                    unit: "count".into(),
                })
                .collect(),
            default_sample_type: default.to_string(),
            ..Profile::default()
        }
    }

    #[test]
    fn default_sample_index_is_default_type_else_last() {
        let heap = typed(
            &[
                "alloc_objects",
                "alloc_space",
                "inuse_objects",
                "inuse_space",
            ],
            "",
        );
        assert_eq!(sample_index_by_name(&heap, ""), Ok(3));
        let allocs = typed(
            &[
                "alloc_objects",
                "alloc_space",
                "inuse_objects",
                "inuse_space",
            ],
            "alloc_space",
        );
        assert_eq!(sample_index_by_name(&allocs, ""), Ok(1));
        let odd = typed(&["a", "b"], "nosuch");
        assert_eq!(sample_index_by_name(&odd, ""), Ok(1));
    }

    #[test]
    fn sample_index_by_number_name_and_inuse_prefix() {
        let p = typed(&["space", "objects"], "");
        assert_eq!(sample_index_by_name(&p, "0"), Ok(0));
        assert_eq!(sample_index_by_name(&p, "inuse_objects"), Ok(1));
        assert_eq!(
            sample_index_by_name(&p, "2").unwrap_err().to_string(),
            "sample_index 2 is outside the range [0..1]"
        );
        assert_eq!(
            sample_index_by_name(&p, "-1").unwrap_err().to_string(),
            "sample_index -1 is outside the range [0..1]"
        );
        assert_eq!(
            sample_index_by_name(&p, "x").unwrap_err().to_string(),
            "sample_index \"x\" must be one of: [space objects]"
        );
    }

    #[test]
    fn sample_table_round_trips_columns() {
        let mut t = SampleTable::new(2);
        t.push(&[LocIdx(1), LocIdx(0)], &[1, 2], &[]);
        t.push(&[], &[3, 4], &[]);
        assert_eq!(t.len(), 2);
        assert_eq!(t.stack(0), &[LocIdx(1), LocIdx(0)]);
        assert!(t.stack(1).is_empty());
        assert_eq!(t.values(1), &[3, 4]);
        assert_eq!(t.value(0, 1), 2);
    }
}
