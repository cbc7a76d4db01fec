//! The hot paths run once on a made-up profile, so that a browser's WebAssembly engine has
//! optimised them before the first real file arrives.
//!
//! V8 starts every function in its baseline compiler and optimises the ones that have run a
//! while; a long call keeps running the code it started with. Reading a large profile's samples
//! or summing them is one long call, so the first file dropped on a fresh page ran two to three
//! times slower than the next. The page's workers call [`run`] once after start, while the page
//! is idle; it touches no state.

use std::io::Write;

use crate::decode::{self, Limits};
use crate::options::ViewOptions;
use crate::proto;
use crate::workspace::{SlotId, Workspace};

/// Enough samples for every hot loop to pass the engine's threshold, few enough to take tens of
/// milliseconds even before optimisation.
const SAMPLES: u64 = 8_000;
const FUNCTIONS: u64 = 2_000;
const DEPTH: u64 = 20;

/// What the worker does with files: the inflating worker only gunzips, the main worker does
/// the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Inflater,
    Main,
}

/// Runs `role`'s hot paths on two made-up profiles and throws the results away; whether every
/// step succeeded.
pub fn run(role: Role) -> bool {
    let a = profile_bytes(1);
    if role == Role::Inflater {
        let mut inflated = 0;
        decode::gunzip_chunks(&a, |chunk| match chunk {
            Ok(chunk) => {
                inflated += chunk.len();
                true
            }
            Err(_) => false,
        });
        return inflated > 0;
    }
    let b = profile_bytes(2);
    let mut workspace = Workspace::new(Limits::default());
    let mut stream = |name: &str, bytes: &[u8]| -> Option<()> {
        workspace.begin_stream(name, bytes.len());
        let mut pushed = Ok(());
        decode::gunzip_chunks(bytes, |chunk| {
            pushed = match chunk {
                Ok(chunk) => workspace.push_stream(&chunk),
                Err(_) => return false,
            };
            pushed.is_ok()
        });
        pushed.ok()?;
        workspace.end_stream(None, &mut |_| {}).ok()
    };
    if stream("a", &a).is_none() || stream("b", &b).is_none() {
        return false;
    }
    let opts = ViewOptions::default();
    workspace.load_staged_pair().is_ok()
        && workspace.top(SlotId::A, &opts).is_ok()
        && workspace.compare(&opts).is_ok()
        && workspace.paths(&opts).is_ok()
}

/// A gzip-compressed profile.proto of `SAMPLES` stacks drawn from `FUNCTIONS` functions by a
/// small linear congruential generator seeded with `seed`.
fn profile_bytes(seed: u64) -> Vec<u8> {
    let mut strings: Vec<Vec<u8>> = vec![Vec::new(), b"samples".to_vec(), b"count".to_vec()];
    let mut function = Vec::new();
    let mut location = Vec::new();
    for id in 1..=FUNCTIONS {
        strings.push(format!("warmup.f{id}").into_bytes());
        let name = (strings.len() - 1) as i64;
        function.push(proto::Function {
            id,
            name,
            system_name: name,
            ..Default::default()
        });
        location.push(proto::Location {
            id,
            line: vec![proto::Line {
                function_id: id,
                line: id as i64,
                column: 0,
            }],
            ..Default::default()
        });
    }
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    let sample = (0..SAMPLES)
        .map(|_| proto::Sample {
            location_id: (0..DEPTH).map(|_| 1 + next() % FUNCTIONS).collect(),
            value: vec![1 + (next() % 4) as i64],
            label: Vec::new(),
        })
        .collect();
    let profile = proto::Profile {
        sample_type: vec![proto::ValueType { r#type: 1, unit: 2 }],
        sample,
        location,
        function,
        string_table: strings,
        time_nanos: seed as i64,
        ..Default::default()
    };
    let raw = prost::Message::encode_to_vec(&profile);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&raw).expect("writing to memory cannot fail");
    gz.finish().expect("writing to memory cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_made_up_profiles_decode_and_compare() {
        let profile = decode::decode(&profile_bytes(1), &Limits::default()).unwrap();
        assert_eq!(profile.samples.len() as u64, SAMPLES);
        assert_eq!(profile.samples.n_frames() as u64, SAMPLES * DEPTH);
        assert!(run(Role::Inflater));
        assert!(run(Role::Main));
    }
}
