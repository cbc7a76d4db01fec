//! Structure-aware: profiles generated with `arbitrary` (dangling and duplicate ids, id 0,
//! deep stacks, huge and negative values, odd labels, inline frames) encoded as real protobuf,
//! so that the fuzzer gets past decoding into the graph, filter and compare code.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use profdiff::options::ViewOptions;
use profdiff::{compare, proto, report, top};
use prost::Message;

#[derive(Arbitrary, Debug)]
struct Input {
    a: Shape,
    b: Shape,
    granularity: u8,
    cum: bool,
    noinlines: bool,
    focus: Option<Name>,
    hide: Option<Name>,
    tagfocus: Option<Name>,
    nodecount: u8,
}

#[derive(Arbitrary, Debug)]
struct Shape {
    types: u8,
    default_type: u8,
    functions: Vec<Func>,
    locations: Vec<Loc>,
    samples: Vec<Smp>,
    drop_frames: Option<Name>,
}

#[derive(Arbitrary, Debug)]
struct Func {
    id: u8,
    name: Name,
    file: Name,
    start_line: i8,
}

#[derive(Arbitrary, Debug)]
struct Loc {
    id: u8,
    mapping: bool,
    address: u16,
    lines: Vec<(u8, i8)>,
}

#[derive(Arbitrary, Debug)]
struct Smp {
    stack: Vec<u8>,
    repeat_stack: u8,
    values: Vec<i64>,
    label: Option<(Name, Name, i8)>,
}

/// A name from a small alphabet, so that names collide and regexes match.
#[derive(Arbitrary, Debug)]
struct Name(u8);

impl Name {
    fn text(&self) -> String {
        const PARTS: [&str; 8] = ["main.", "runtime.", "f", "g", "(*T).m", "<x>", "[y]", "::z"];
        (0..u32::from(self.0 % 4) + 1)
            .map(|i| PARTS[usize::from(self.0.rotate_left(i * 2)) % PARTS.len()])
            .collect()
    }
}

fn wire(shape: &Shape) -> Vec<u8> {
    let mut strings: Vec<Vec<u8>> = vec![Vec::new()];
    let mut s = |t: &str| -> i64 {
        strings.push(t.as_bytes().to_vec());
        (strings.len() - 1) as i64
    };
    let n_types = usize::from(shape.types % 4) + 1;
    let sample_type = (0..n_types)
        .map(|i| proto::ValueType {
            r#type: s(["alloc_space", "inuse_space", "samples", "cpu"][i]),
            unit: s(["bytes", "bytes", "count", "nanoseconds"][i]),
        })
        .collect();
    let default_sample_type =
        s(["", "inuse_space", "cpu", "nosuch"][usize::from(shape.default_type % 4)]);
    let function = shape
        .functions
        .iter()
        .map(|f| proto::Function {
            id: u64::from(f.id % 16),
            name: s(&f.name.text()),
            system_name: 0,
            filename: s(&f.file.text()),
            start_line: i64::from(f.start_line),
        })
        .collect();
    let location = shape
        .locations
        .iter()
        .map(|l| proto::Location {
            id: u64::from(l.id % 32),
            mapping_id: u64::from(l.mapping),
            address: u64::from(l.address),
            line: l
                .lines
                .iter()
                .take(4)
                .map(|&(f, line)| proto::Line {
                    function_id: u64::from(f % 17),
                    line: i64::from(line),
                    column: 0,
                })
                .collect(),
            is_folded: false,
        })
        .collect();
    let sample = shape
        .samples
        .iter()
        .take(64)
        .map(|smp| {
            let mut location_id: Vec<u64> = smp.stack.iter().map(|&i| u64::from(i % 33)).collect();
            // Deep stacks: repeat the stack up to 255 times.
            let once = location_id.clone();
            for _ in 0..smp.repeat_stack {
                location_id.extend_from_slice(&once);
            }
            let mut value = smp.values.clone();
            value.resize(n_types, 1);
            let label = smp
                .label
                .as_ref()
                .map(|(k, v, n)| proto::Label {
                    key: s(&k.text()),
                    str: if n % 2 == 0 { s(&v.text()) } else { 0 },
                    num: i64::from(*n),
                    num_unit: 0,
                })
                .into_iter()
                .collect();
            proto::Sample {
                location_id,
                value,
                label,
            }
        })
        .collect();
    let drop_frames = shape.drop_frames.as_ref().map_or(0, |n| s(&n.text()));
    let mapping = vec![proto::Mapping {
        id: 1,
        memory_limit: 0x10000,
        filename: s("/bin/app"),
        ..Default::default()
    }];
    proto::Profile {
        sample_type,
        sample,
        mapping,
        location,
        function,
        string_table: strings,
        drop_frames,
        default_sample_type,
        time_nanos: 1,
        ..Default::default()
    }
    .encode_to_vec()
}

fuzz_target!(|input: Input| {
    let limits = profdiff::Limits::default();
    let (Ok(a), Ok(b)) = (
        profdiff::decode(&wire(&input.a), &limits),
        profdiff::decode(&wire(&input.b), &limits),
    ) else {
        return;
    };
    let (Ok(a), Ok(b)) = (top::prepare(vec![a], false), top::prepare(vec![b], true)) else {
        return;
    };
    let granularities = ["functions", "filefunctions", "files", "lines", "addresses"];
    let text = |n: &Option<Name>| n.as_ref().map(Name::text).unwrap_or_default();
    let opts = ViewOptions {
        granularity: granularities[usize::from(input.granularity) % 5].to_string(),
        cum: input.cum,
        noinlines: input.noinlines,
        focus: text(&input.focus),
        hide: text(&input.hide),
        tagfocus: text(&input.tagfocus),
        nodecount: usize::from(input.nodecount % 8),
        ..ViewOptions::default()
    };
    let (Ok(top_opts), Ok(cmp_opts), Ok(path_opts)) = (opts.top(), opts.compare(), opts.paths())
    else {
        return;
    };
    if let Ok(t) = top::top(&a, &top_opts) {
        let _ = report::top(&t, report::Format::Text);
    }
    if let Ok(c) = compare::compare(&a, &b, &cmp_opts) {
        let _ = report::diff(&c, &[], &[], report::Format::Markdown);
    }
    if let Ok(p) = compare::paths(&a, &b, &path_opts) {
        let _ = report::paths(&p, &[], &[], report::Format::Json);
    }
    let _ = top::prepare_with_base(vec![a], None, false);
});
