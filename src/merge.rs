//! Combining profiles into one, as pprof does for several sources on one command line and for
//! `-base` / `-diff_base`: sample types matched by name, units brought to the finest common
//! unit, then samples with equal stacks and labels summed (pprof's `Merge`).
//!
//! `go tool pprof` (the Go 1.19 release this project checks against) merges even a single
//! source, which compacts duplicate samples, so the CLI and the page always go through here.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::profile::{
    FuncIdx, Function, Label, LabelValue, Line, LocIdx, Location, MapIdx, Mapping, Profile,
    SampleTable, StrId, ValueType, to_u32,
};
use crate::units;

/// Why profiles could not be merged; the texts are pprof's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("no profiles to merge")]
    Nothing,
    #[error("profiles have empty common sample type list (no sample type in common: {a} vs {b})")]
    NoCommonSampleType { a: String, b: String },
    #[error("period type: incompatible types: {a} {b}")]
    IncompatiblePeriodTypes { a: String, b: String },
    #[error("sample types: incompatible types: {a} {b}")]
    IncompatibleSampleTypes { a: String, b: String },
    #[error("incompatible period types {a} and {b}")]
    DifferentPeriodTypes { a: String, b: String },
    #[error("incompatible sample types {a} and {b}")]
    DifferentSampleTypes { a: String, b: String },
}

/// Merges `profiles` into one. The first profile's mapping[0] stays the main binary.
pub fn merge(mut profiles: Vec<Profile>) -> Result<Profile, MergeError> {
    if profiles.is_empty() {
        return Err(MergeError::Nothing);
    }
    make_comparable(&mut profiles)?;
    if profiles.len() == 1 && merging_alone_changes_nothing(&profiles[0]) {
        return Ok(profiles.pop().expect("one profile"));
    }
    Ok(Merger::run(&profiles))
}

/// Whether merging a single profile with itself could change any report, so that the costly
/// merge can be skipped. Summing duplicate samples changes Σ|value| only when values of both
/// signs exist, and deduplicating mappings moves addresses only when two mappings share a
/// merge key; dropping all-zero samples and deduplicating locations and functions change no
/// node, weight or total.
fn merging_alone_changes_nothing(p: &Profile) -> bool {
    let samples = &p.samples;
    let any_negative = (0..samples.len()).any(|s| samples.values(s).iter().any(|&v| v < 0));
    if any_negative {
        return false;
    }
    let mut keys = std::collections::HashSet::with_capacity(p.mappings.len());
    p.mappings.iter().all(|m| keys.insert(mapping_key(m)))
}

/// Brings profiles to the same sample types (matched by name, in the first profile's order)
/// and units (the finest of each family), as pprof does before merging them.
pub fn make_comparable(profiles: &mut [Profile]) -> Result<(), MergeError> {
    if profiles.len() > 1 {
        compatibilize_sample_types(profiles)?;
    }
    scale_to_common_units(profiles)?;
    check_identical_types(profiles)
}

/// After scaling, pprof's `Merge` still wants identical period and sample types.
fn check_identical_types(profiles: &[Profile]) -> Result<(), MergeError> {
    let first = &profiles[0];
    for p in &profiles[1..] {
        if p.period_type != first.period_type {
            return Err(MergeError::DifferentPeriodTypes {
                a: go_value_type(&first.period_type),
                b: go_value_type(&p.period_type),
            });
        }
        if p.sample_types != first.sample_types {
            return Err(MergeError::DifferentSampleTypes {
                a: go_value_types(&first.sample_types),
                b: go_value_types(&p.sample_types),
            });
        }
    }
    Ok(())
}

/// pprof's `ValueType` as `%v` prints it inside its errors: `{type unit 0 0}`.
fn go_value_type(t: &ValueType) -> String {
    format!("{{{} {} 0 0}}", t.ty, t.unit)
}

/// Keeps the sample types whose names occur in every profile, in the first profile's order,
/// and permutes each profile's values to match (pprof's `CompatibilizeSampleTypes`).
fn compatibilize_sample_types(profiles: &mut [Profile]) -> Result<(), MergeError> {
    let common: Vec<String> = profiles[0]
        .sample_types
        .iter()
        .map(|t| t.ty.clone())
        .filter(|ty| {
            profiles
                .iter()
                .all(|p| p.sample_types.iter().any(|t| &t.ty == ty))
        })
        .collect();
    if common.is_empty() {
        // Name the first profile and the one that left nothing in common with those before it.
        let culprit = (1..profiles.len())
            .find(|&j| {
                !profiles[0].sample_types.iter().any(|t| {
                    profiles[1..=j]
                        .iter()
                        .all(|p| p.sample_types.iter().any(|u| u.ty == t.ty))
                })
            })
            .unwrap_or(profiles.len() - 1);
        let names = |p: &Profile| {
            let items: Vec<String> = p
                .sample_types
                .iter()
                .map(|t| format!("{}/{}", t.ty, t.unit))
                .collect();
            format!("[{}]", items.join(" "))
        };
        return Err(MergeError::NoCommonSampleType {
            a: names(&profiles[0]),
            b: names(&profiles[culprit]),
        });
    }
    for p in profiles.iter_mut() {
        let remap: Vec<usize> = common
            .iter()
            .map(|ty| {
                p.sample_types
                    .iter()
                    .position(|t| &t.ty == ty)
                    .expect("common types occur in every profile")
            })
            .collect();
        let identity =
            remap.len() == p.sample_types.len() && remap.iter().enumerate().all(|(i, &j)| i == j);
        if identity {
            continue;
        }
        if !common.contains(&p.default_sample_type) {
            p.default_sample_type = common[0].clone();
        }
        p.sample_types = remap.iter().map(|&j| p.sample_types[j].clone()).collect();
        let old = std::mem::take(&mut p.samples);
        let mut samples = SampleTable::new(remap.len());
        let mut values = vec![0; remap.len()];
        for i in 0..old.len() {
            for (v, &j) in values.iter_mut().zip(&remap) {
                *v = old.value(i, j);
            }
            samples.push(old.stack(i), &values, old.labels(i));
        }
        p.samples = samples;
    }
    Ok(())
}

/// pprof's `ScaleProfiles`: for each sample-type position and for the period type, picks the
/// finest unit among the profiles and rescales every value to it.
fn scale_to_common_units(profiles: &mut [Profile]) -> Result<(), MergeError> {
    if profiles.len() <= 1 {
        return Ok(());
    }
    let period_types: Vec<&ValueType> = profiles.iter().map(|p| &p.period_type).collect();
    let period_type =
        common_value_type(&period_types).map_err(|(a, b)| MergeError::IncompatiblePeriodTypes {
            a: go_value_type(&a),
            b: go_value_type(&b),
        })?;
    let n_types = profiles[0].sample_types.len();
    let mut common = Vec::with_capacity(n_types);
    for i in 0..n_types {
        let types: Vec<&ValueType> = profiles.iter().map(|p| &p.sample_types[i]).collect();
        common.push(common_value_type(&types).map_err(|(a, b)| {
            MergeError::IncompatibleSampleTypes {
                a: go_value_type(&a),
                b: go_value_type(&b),
            }
        })?);
    }
    for p in profiles.iter_mut() {
        let (period, _) = units::scale(p.period, &p.period_type.unit, &period_type.unit);
        p.period = period as i64;
        p.period_type.unit = period_type.unit.clone();
        let ratios: Vec<f64> = p
            .sample_types
            .iter()
            .zip(&common)
            .map(|(t, c)| units::scale(1, &t.unit, &c.unit).0)
            .collect();
        for (t, c) in p.sample_types.iter_mut().zip(&common) {
            t.unit = c.unit.clone();
        }
        scale_samples(p, &ratios);
    }
    Ok(())
}

/// The finest of several compatible value types, or the first incompatible pair.
fn common_value_type(types: &[&ValueType]) -> Result<ValueType, (ValueType, ValueType)> {
    let mut min = types[0];
    for &t in &types[1..] {
        if !compatible_value_types(min, t) {
            return Err((min.clone(), t.clone()));
        }
        if units::scale(1, &t.unit, &min.unit).0 < 1.0 {
            min = t;
        }
    }
    Ok(min.clone())
}

/// Types are compatible when their names agree after dropping one trailing `s` and their
/// units are equal or of one family.
pub fn compatible_value_types(a: &ValueType, b: &ValueType) -> bool {
    let name = |t: &ValueType| t.ty.strip_suffix('s').unwrap_or(&t.ty).to_string();
    name(a) == name(b) && units::compatible_units(&a.unit, &b.unit)
}

/// Marks every sample of `p` as belonging to the diff base (label `pprof::base=true`,
/// replacing any value the key had), as `-diff_base` does before subtracting.
pub fn mark_as_diff_base(p: &mut Profile) {
    let key = p.add_string("pprof::base".to_string());
    let value = p.add_string("true".to_string());
    let old = std::mem::take(&mut p.samples);
    let mut samples = old.empty_like(old.len());
    let mut labels = Vec::new();
    for i in 0..old.len() {
        labels.clear();
        labels.extend(
            old.labels(i)
                .iter()
                .filter(|l| p.str(l.key) != "pprof::base")
                .copied(),
        );
        labels.push(Label {
            key,
            value: LabelValue::Str(value),
        });
        samples.push(old.stack(i), old.values(i), &labels);
    }
    p.samples = samples;
}

/// pprof's `Normalize`: scales `p` per sample type so that its signed sum equals `base`'s.
/// The two must have identical sample and period types.
pub fn normalize(p: &mut Profile, base: &Profile) -> Result<(), MergeError> {
    if p.period_type != base.period_type {
        return Err(MergeError::DifferentPeriodTypes {
            a: format!("&{}", go_value_type(&p.period_type)),
            b: format!("&{}", go_value_type(&base.period_type)),
        });
    }
    if p.sample_types != base.sample_types {
        return Err(MergeError::DifferentSampleTypes {
            a: go_value_types(&p.sample_types),
            b: go_value_types(&base.sample_types),
        });
    }
    let sums = |q: &Profile| -> Vec<i64> {
        (0..q.sample_types.len())
            .map(|t| {
                (0..q.samples.len()).fold(0i64, |acc, s| acc.wrapping_add(q.samples.value(s, t)))
            })
            .collect()
    };
    let (base_sums, src_sums) = (sums(base), sums(p));
    let ratios: Vec<f64> = base_sums
        .iter()
        .zip(&src_sums)
        .map(|(&b, &s)| if s == 0 { 0.0 } else { b as f64 / s as f64 })
        .collect();
    scale_samples(p, &ratios);
    Ok(())
}

fn go_value_types(types: &[ValueType]) -> String {
    let items: Vec<String> = types.iter().map(go_value_type).collect();
    format!("[{}]", items.join(" "))
}

/// pprof's `ScaleN`: multiplies each value by its type's ratio (rounding half away from zero)
/// and drops samples whose rescaled values all became 0.
pub fn scale_samples(p: &mut Profile, ratios: &[f64]) {
    if ratios.iter().all(|&r| r == 1.0) {
        return;
    }
    let old = std::mem::take(&mut p.samples);
    let mut samples = old.empty_like(old.len());
    let mut values = vec![0; ratios.len()];
    for i in 0..old.len() {
        let mut keep = false;
        for ((v, &old_v), &r) in values.iter_mut().zip(old.values(i)).zip(ratios) {
            *v = old_v;
            if r != 1.0 {
                *v = (old_v as f64 * r).round() as i64;
                keep |= *v != 0;
            }
        }
        if keep {
            samples.push(old.stack(i), &values, old.labels(i));
        }
    }
    p.samples = samples;
}

/// The state of one merge: the profile being built and the memo tables that deduplicate
/// mappings, functions, locations and samples across sources.
struct Merger {
    out: Profile,
    interned: HashMap<String, StrId>,
    mappings: HashMap<MappingKey, MapIdx>,
    functions: HashMap<Function, FuncIdx>,
    locations: HashMap<LocationKey, LocIdx>,
    samples: HashMap<SampleKey, usize>,
    values: Vec<Vec<i64>>,
    sample_stacks: Vec<Vec<LocIdx>>,
    sample_labels: Vec<Vec<Label>>,
}

#[derive(Hash, PartialEq, Eq)]
struct MappingKey {
    size: u64,
    offset: u64,
    build_id_or_file: String,
}

#[derive(Hash, PartialEq, Eq)]
struct LocationKey {
    address: u64,
    mapping: Option<MapIdx>,
    lines: Vec<(FuncIdx, i64)>,
    is_folded: bool,
}

#[derive(Hash, PartialEq, Eq)]
struct SampleKey {
    stack: Vec<LocIdx>,
    labels: Vec<Label>,
}

/// Per-source memo: where each source mapping, function and location went.
struct SourceMaps {
    mappings: Vec<Option<(MapIdx, i64)>>,
    functions: Vec<Option<FuncIdx>>,
    locations: Vec<Option<LocIdx>>,
    strings: Vec<Option<StrId>>,
}

impl Merger {
    fn run(sources: &[Profile]) -> Profile {
        let first = &sources[0];
        let mut merger = Merger {
            out: combine_headers(sources),
            interned: HashMap::new(),
            mappings: HashMap::new(),
            functions: HashMap::new(),
            locations: HashMap::new(),
            samples: HashMap::with_capacity(first.samples.len()),
            values: Vec::new(),
            sample_stacks: Vec::new(),
            sample_labels: Vec::new(),
        };
        merger.intern(String::new());
        for src in sources {
            let mut maps = SourceMaps {
                mappings: vec![None; src.mappings.len()],
                functions: vec![None; src.functions.len()],
                locations: vec![None; src.locations.len()],
                strings: vec![None; src.strings.len()],
            };
            // The first mapping seen is the main binary; map it before any location can
            // add mappings in another order.
            if merger.out.mappings.is_empty() && !src.mappings.is_empty() {
                merger.map_mapping(src, &mut maps, MapIdx(0));
            }
            for i in 0..src.samples.len() {
                if src.samples.values(i).iter().all(|&v| v == 0) {
                    continue;
                }
                merger.map_sample(src, &mut maps, i);
            }
        }
        merger.finish()
    }

    fn intern(&mut self, s: String) -> StrId {
        match self.interned.entry(s) {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(e) => {
                let id = StrId(to_u32(self.out.strings.len()));
                self.out.strings.push(e.key().clone());
                e.insert(id);
                id
            }
        }
    }

    fn map_string(&mut self, src: &Profile, maps: &mut SourceMaps, id: StrId) -> StrId {
        if let Some(new) = maps.strings[id.0 as usize] {
            return new;
        }
        let new = self.intern(src.str(id).to_string());
        maps.strings[id.0 as usize] = Some(new);
        new
    }

    fn map_sample(&mut self, src: &Profile, maps: &mut SourceMaps, i: usize) {
        let stack: Vec<LocIdx> = src
            .samples
            .stack(i)
            .iter()
            .map(|&l| self.map_location(src, maps, l))
            .collect();
        let mut labels: Vec<Label> = src
            .samples
            .labels(i)
            .iter()
            .map(|l| Label {
                key: self.map_string(src, maps, l.key),
                value: match l.value {
                    LabelValue::Str(s) => LabelValue::Str(self.map_string(src, maps, s)),
                    LabelValue::Num { value, unit } => LabelValue::Num {
                        value,
                        unit: self.map_string(src, maps, unit),
                    },
                },
            })
            .collect();
        // pprof keys samples by label maps, so the order of different keys does not matter
        // while the order of one key's values does: a stable sort by key canonicalises.
        labels.sort_by_key(|l| (matches!(l.value, LabelValue::Num { .. }), l.key));
        let values = src.samples.values(i);
        let key = SampleKey { stack, labels };
        match self.samples.entry(key) {
            Entry::Occupied(e) => {
                for (acc, v) in self.values[*e.get()].iter_mut().zip(values) {
                    *acc = acc.wrapping_add(*v);
                }
            }
            Entry::Vacant(e) => {
                self.values.push(values.to_vec());
                self.sample_stacks.push(e.key().stack.clone());
                self.sample_labels.push(e.key().labels.clone());
                e.insert(self.values.len() - 1);
            }
        }
    }

    fn map_mapping(&mut self, src: &Profile, maps: &mut SourceMaps, idx: MapIdx) -> (MapIdx, i64) {
        if let Some(done) = maps.mappings[idx.0 as usize] {
            return done;
        }
        let m = src.mapping(idx);
        let key = mapping_key(m);
        let done = match self.mappings.get(&key) {
            Some(&new) => {
                let offset = (self.out.mapping(new).start as i64).wrapping_sub(m.start as i64);
                (new, offset)
            }
            None => {
                let new = MapIdx(to_u32(self.out.mappings.len()));
                self.out.mappings.push(Mapping {
                    id: self.out.mappings.len() as u64 + 1,
                    ..m.clone()
                });
                self.mappings.insert(key, new);
                (new, 0)
            }
        };
        maps.mappings[idx.0 as usize] = Some(done);
        done
    }

    fn map_function(&mut self, src: &Profile, maps: &mut SourceMaps, idx: FuncIdx) -> FuncIdx {
        if let Some(done) = maps.functions[idx.0 as usize] {
            return done;
        }
        let f = src.function(idx);
        let mut new_f = Function {
            id: 0,
            name: self.map_string(src, maps, f.name),
            system_name: self.map_string(src, maps, f.system_name),
            filename: self.map_string(src, maps, f.filename),
            start_line: f.start_line,
        };
        let done = match self.functions.get(&new_f) {
            Some(&existing) => existing,
            None => {
                let key = new_f;
                new_f.id = self.out.functions.len() as u64 + 1;
                let new = FuncIdx(to_u32(self.out.functions.len()));
                self.out.functions.push(new_f);
                self.functions.insert(key, new);
                new
            }
        };
        maps.functions[idx.0 as usize] = Some(done);
        done
    }

    fn map_location(&mut self, src: &Profile, maps: &mut SourceMaps, idx: LocIdx) -> LocIdx {
        if let Some(done) = maps.locations[idx.0 as usize] {
            return done;
        }
        let l = src.location(idx);
        let mapped = l.mapping.map(|m| self.map_mapping(src, maps, m));
        let address = (l.address as i64).wrapping_add(mapped.map_or(0, |(_, off)| off)) as u64;
        let mapping = mapped.map(|(m, _)| m);
        let lines: Vec<Line> = l
            .lines
            .iter()
            .map(|line| Line {
                function: self.map_function(src, maps, line.function),
                // pprof's merge drops columns (Go 1.19 knows none).
                line: line.line,
                column: 0,
            })
            .collect();
        let key = LocationKey {
            // Relative to the mapping start, to see through address space randomisation.
            address: mapping.map_or(address, |m| address.wrapping_sub(self.out.mapping(m).start)),
            mapping,
            lines: lines.iter().map(|l| (l.function, l.line)).collect(),
            is_folded: l.is_folded,
        };
        let done = match self.locations.get(&key) {
            Some(&existing) => existing,
            None => {
                let new = LocIdx(to_u32(self.out.locations.len()));
                self.out.locations.push(Location {
                    id: self.out.locations.len() as u64 + 1,
                    mapping,
                    address,
                    lines,
                    is_folded: l.is_folded,
                });
                self.locations.insert(key, new);
                new
            }
        };
        maps.locations[idx.0 as usize] = Some(done);
        done
    }

    /// Writes the merged samples out, dropping those that summed to zero.
    fn finish(mut self) -> Profile {
        let n_values = self.out.sample_types.len();
        let mut samples = SampleTable::new(n_values);
        for ((values, stack), labels) in self
            .values
            .iter()
            .zip(&self.sample_stacks)
            .zip(&self.sample_labels)
        {
            if values.iter().all(|&v| v == 0) {
                continue;
            }
            samples.push(stack, values, labels);
        }
        self.out.samples = samples;
        self.out
    }
}

fn mapping_key(m: &Mapping) -> MappingKey {
    // Sizes are rounded up to 4 KiB to absorb small discrepancies, as pprof does.
    const ROUND: u64 = 0x1000;
    let size = m.limit.wrapping_sub(m.start).wrapping_add(ROUND - 1);
    let build_id_or_file = if !m.build_id.is_empty() {
        m.build_id.clone()
    } else {
        m.file.clone()
    };
    MappingKey {
        size: size - size % ROUND,
        offset: m.offset,
        build_id_or_file,
    }
}

/// The merged profile's header: minimum time (a zero resets it, as in pprof), summed duration,
/// largest period, de-duplicated comments, first non-empty default type and doc URL; the rest
/// from the first profile.
fn combine_headers(sources: &[Profile]) -> Profile {
    let first = &sources[0];
    let mut time_nanos = 0i64;
    let mut duration_nanos = 0i64;
    let mut period = 0i64;
    let mut comments: Vec<String> = Vec::new();
    let mut default_sample_type = String::new();
    let mut doc_url = String::new();
    for s in sources {
        if time_nanos == 0 || s.time_nanos < time_nanos {
            time_nanos = s.time_nanos;
        }
        duration_nanos = duration_nanos.wrapping_add(s.duration_nanos);
        if period == 0 || period < s.period {
            period = s.period;
        }
        for c in &s.comments {
            if !comments.contains(c) {
                comments.push(c.clone());
            }
        }
        if default_sample_type.is_empty() {
            default_sample_type = s.default_sample_type.clone();
        }
        if doc_url.is_empty() {
            doc_url = s.doc_url.clone();
        }
    }
    Profile {
        strings: Vec::new(),
        sample_types: first.sample_types.clone(),
        samples: SampleTable::new(first.sample_types.len()),
        mappings: Vec::new(),
        locations: Vec::new(),
        functions: Vec::new(),
        drop_frames: first.drop_frames.clone(),
        keep_frames: first.keep_frames.clone(),
        time_nanos,
        duration_nanos,
        period_type: first.period_type.clone(),
        period,
        comments,
        default_sample_type,
        doc_url,
        // MemStats describe one process at one moment: kept for a single source only.
        memstats: match sources {
            [one] => one.memstats.clone(),
            _ => None,
        },
    }
}
