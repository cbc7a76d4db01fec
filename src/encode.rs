//! `Profile` → gzip-compressed profile.proto bytes, for writing the merged diff profile that
//! `go tool pprof` reads back (`profdiff diff --output`).

use std::io::Write;

use prost::Message;

use crate::profile::{LabelValue, Profile, StrId};
use crate::proto;

/// The profile as gzip-compressed protobuf, the form Go's runtime writes.
pub fn encode_gzip(profile: &Profile) -> Vec<u8> {
    let raw = to_wire(profile).encode_to_vec();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&raw).expect("writing to memory cannot fail");
    enc.finish().expect("writing to memory cannot fail")
}

/// The wire form of `profile`. Interned strings keep their indices; other strings are
/// appended to the table.
pub fn to_wire(profile: &Profile) -> proto::Profile {
    let mut strings: Vec<Vec<u8>> = profile
        .strings
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
    if strings.is_empty() {
        strings.push(Vec::new());
    }
    let mut add = |s: &str| -> i64 {
        if s.is_empty() {
            return 0;
        }
        strings.push(s.as_bytes().to_vec());
        (strings.len() - 1) as i64
    };
    let id = |s: StrId| i64::from(s.0);
    let value_type =
        |t: &crate::profile::ValueType, add: &mut dyn FnMut(&str) -> i64| proto::ValueType {
            r#type: add(&t.ty),
            unit: add(&t.unit),
        };
    let sample_type = profile
        .sample_types
        .iter()
        .map(|t| value_type(t, &mut add))
        .collect();
    let period_type = Some(value_type(&profile.period_type, &mut add));
    let mapping = profile
        .mappings
        .iter()
        .map(|m| proto::Mapping {
            id: m.id,
            memory_start: m.start,
            memory_limit: m.limit,
            file_offset: m.offset,
            filename: add(&m.file),
            build_id: add(&m.build_id),
            has_functions: m.has_functions,
            has_filenames: m.has_filenames,
            has_line_numbers: m.has_line_numbers,
            has_inline_frames: m.has_inline_frames,
        })
        .collect();
    let function = profile
        .functions
        .iter()
        .map(|f| proto::Function {
            id: f.id,
            name: id(f.name),
            system_name: id(f.system_name),
            filename: id(f.filename),
            start_line: f.start_line,
        })
        .collect();
    let location = profile
        .locations
        .iter()
        .map(|l| proto::Location {
            id: l.id,
            mapping_id: l.mapping.map_or(0, |m| profile.mapping(m).id),
            address: l.address,
            line: l
                .lines
                .iter()
                .map(|line| proto::Line {
                    function_id: profile.function(line.function).id,
                    line: line.line,
                    column: line.column,
                })
                .collect(),
            is_folded: l.is_folded,
        })
        .collect();
    let samples = &profile.samples;
    let sample = (0..samples.len())
        .map(|s| proto::Sample {
            location_id: samples
                .stack(s)
                .iter()
                .map(|&l| profile.location(l).id)
                .collect(),
            value: samples.values(s).to_vec(),
            label: samples
                .labels(s)
                .iter()
                .map(|l| match l.value {
                    LabelValue::Str(v) => proto::Label {
                        key: id(l.key),
                        str: id(v),
                        num: 0,
                        num_unit: 0,
                    },
                    LabelValue::Num { value, unit } => proto::Label {
                        key: id(l.key),
                        str: 0,
                        num: value,
                        num_unit: id(unit),
                    },
                })
                .collect(),
        })
        .collect();
    let comment = profile.comments.iter().map(|c| add(c)).collect();
    let drop_frames = add(&profile.drop_frames);
    let keep_frames = add(&profile.keep_frames);
    let default_sample_type = add(&profile.default_sample_type);
    let doc_url = add(&profile.doc_url);
    proto::Profile {
        sample_type,
        sample,
        mapping,
        location,
        function,
        string_table: strings,
        drop_frames,
        keep_frames,
        time_nanos: profile.time_nanos,
        duration_nanos: profile.duration_nanos,
        period_type,
        period: profile.period,
        comment,
        default_sample_type,
        doc_url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{Limits, decode};

    #[test]
    fn encoding_round_trips_through_decode() {
        let raw = proto::Profile {
            sample_type: vec![proto::ValueType { r#type: 1, unit: 2 }],
            sample: vec![proto::Sample {
                location_id: vec![1],
                value: vec![42],
                label: vec![proto::Label {
                    key: 4,
                    str: 5,
                    num: 0,
                    num_unit: 0,
                }],
            }],
            location: vec![proto::Location {
                id: 1,
                line: vec![proto::Line {
                    function_id: 1,
                    line: 7,
                    column: 0,
                }],
                ..Default::default()
            }],
            function: vec![proto::Function {
                id: 1,
                name: 3,
                system_name: 3,
                filename: 0,
                start_line: 0,
            }],
            string_table: ["", "samples", "count", "main.f", "k", "v"]
                .iter()
                .map(|s| s.as_bytes().to_vec())
                .collect(),
            time_nanos: 9,
            ..Default::default()
        };
        let p = decode(&raw.encode_to_vec(), &Limits::default()).unwrap();
        let again = decode(&encode_gzip(&p), &Limits::default()).unwrap();
        assert_eq!(again.samples, p.samples);
        assert_eq!(again.functions, p.functions);
        assert_eq!(again.sample_types, p.sample_types);
        assert_eq!(again.time_nanos, 9);
    }
}
