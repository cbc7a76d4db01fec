//! What a profile holds, for `profdiff info` and the page's slot headers: sample types with
//! their totals, period, time, duration, and the sizes of its tables.

use std::collections::{BTreeMap, BTreeSet};

use crate::profile::{LabelValue, Profile, sample_index_by_name};

/// One sample type with Σ|value| over all samples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeTotal {
    pub ty: String,
    pub unit: String,
    pub total: i64,
    /// Whether pprof picks this type when no sample index is given.
    pub is_default: bool,
}

/// A label key and the kind of values it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelKey {
    pub key: String,
    pub numeric: bool,
    /// Distinct values seen for string labels (capped at `MAX_LABEL_VALUES`).
    pub values: Vec<String>,
}

/// Most distinct values kept per label key.
pub const MAX_LABEL_VALUES: usize = 100;

/// An overview of one decoded profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub sample_types: Vec<TypeTotal>,
    pub period_type: String,
    pub period_unit: String,
    pub period: i64,
    pub time_nanos: i64,
    pub duration_nanos: i64,
    pub n_samples: usize,
    pub n_locations: usize,
    pub n_functions: usize,
    pub n_mappings: usize,
    pub label_keys: Vec<LabelKey>,
    pub comments: Vec<String>,
    pub main_binary: String,
    pub build_id: String,
    pub doc_url: String,
    pub default_sample_type: String,
    /// `runtime.MemStats` from a Go heap text.
    pub memstats: Option<crate::memstats::MemStats>,
}

impl Summary {
    pub fn of(profile: &Profile) -> Summary {
        let default = sample_index_by_name(profile, "").ok();
        let sample_types = profile
            .sample_types
            .iter()
            .enumerate()
            .map(|(i, t)| TypeTotal {
                ty: t.ty.clone(),
                unit: t.unit.clone(),
                total: (0..profile.samples.len()).fold(0i64, |acc, s| {
                    acc.wrapping_add(profile.samples.value(s, i).wrapping_abs())
                }),
                is_default: default == Some(i),
            })
            .collect();
        let main = profile.mappings.first();
        Summary {
            sample_types,
            period_type: profile.period_type.ty.clone(),
            period_unit: profile.period_type.unit.clone(),
            period: profile.period,
            time_nanos: profile.time_nanos,
            duration_nanos: profile.duration_nanos,
            n_samples: profile.samples.len(),
            n_locations: profile.locations.len(),
            n_functions: profile.functions.len(),
            n_mappings: profile.mappings.len(),
            label_keys: label_keys(profile),
            comments: profile.comments.clone(),
            main_binary: main.map(|m| m.file.clone()).unwrap_or_default(),
            build_id: main.map(|m| m.build_id.clone()).unwrap_or_default(),
            doc_url: profile.doc_url.clone(),
            default_sample_type: profile.default_sample_type.clone(),
            memstats: profile.memstats.clone(),
        }
    }
}

fn label_keys(profile: &Profile) -> Vec<LabelKey> {
    let mut keys: BTreeMap<&str, (bool, BTreeSet<&str>)> = BTreeMap::new();
    for s in 0..profile.samples.len() {
        for label in profile.samples.labels(s) {
            let entry = keys.entry(profile.str(label.key)).or_default();
            match label.value {
                LabelValue::Num { .. } => entry.0 = true,
                LabelValue::Str(v) => {
                    if entry.1.len() < MAX_LABEL_VALUES {
                        entry.1.insert(profile.str(v));
                    }
                }
            }
        }
    }
    keys.into_iter()
        .map(|(key, (numeric, values))| LabelKey {
            key: key.to_string(),
            numeric,
            values: values.into_iter().map(str::to_string).collect(),
        })
        .collect()
}
