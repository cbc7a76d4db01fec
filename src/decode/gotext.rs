//! Go's `?debug=1` texts: heap and allocs (`heap profile: … @ heap/N`), the count profiles
//! (`goroutine profile: total N`, threadcreate, custom ones) and block / mutex
//! (`--- contention:`, `--- mutex:`), read with their frames named from the comment lines
//! Go writes under each record (`#<TAB>0xPC<TAB>func+0xOFF<TAB>file:line`).
//!
//! Values are read as pprof reads these texts (`legacy_profile.go`): heap pairs unsampled with
//! the header's rate halved, contention delays converted from cycles and multiplied by the
//! sampling period. Frames differ from pprof's reading on purpose: pprof keeps only the
//! addresses and needs the binary to name them; the comments already name them.
//!
//! Frames: each record's comment lines, leaf first, are its stack. Go writes one line per
//! logical frame; lines that share an entry (PC − offset) with different names are one
//! physical function with its inlined callees, folded into one location as Go's protobuf
//! writer folds them. A record without comment lines keeps its addresses, unnamed. `#\t0x0`
//! alone marks an empty stack (threadcreate of a thread started by the runtime).

use crate::error::DecodeError;
use crate::memstats::MemStats;
use crate::profile::{Label, LocIdx, Profile};

use super::Limits;
use super::text_builder::{
    Builder, Frame, bad_line, lines, parse_count, parse_hex, split_file_line,
};

/// Which of Go's debug=1 texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Heap,
    Count,
    Contention,
}

/// Recognises a Go debug=1 text by its first line, when the text names its frames (carries
/// `#\t0x…` comment lines). Texts without any comment line (written by old runtimes, or
/// stripped) are left to pprof's reading of the same formats.
pub(super) fn sniff(data: &[u8]) -> Option<Kind> {
    let first = first_line(data)?;
    let kind = if is_go_heap_header(first) {
        Kind::Heap
    } else if count_header(first).is_some() {
        Kind::Count
    } else if is_contention_header(first) {
        Kind::Contention
    } else {
        return None;
    };
    has_frame_comment(data).then_some(kind)
}

/// Whether the text starts like the body of a Go debug=1 text (a record, or a frame comment)
/// without its header line. Like [`sniff`], only texts with frame comments count; a body
/// without any is left to pprof's reading, which refuses it.
pub(super) fn is_headless(data: &[u8]) -> bool {
    let Some(first) = first_line(data) else {
        return false;
    };
    if first.starts_with("#\t0x") {
        return true;
    }
    let Some((values, _)) = first.split_once(" @ 0x") else {
        return false;
    };
    let looks_like_record = heap_pairs(values).is_some() || parse_count(values.trim()).is_some();
    // Scanned only once the first line looks like a record.
    looks_like_record && has_frame_comment(data)
}

fn first_line(data: &[u8]) -> Option<&str> {
    let start = data.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &data[start..];
    let end = rest
        .iter()
        .take(4096)
        .position(|&b| b == b'\n')
        .unwrap_or(rest.len().min(4096));
    std::str::from_utf8(&rest[..end]).ok().map(|l| l.trim_end())
}

fn has_frame_comment(data: &[u8]) -> bool {
    data.windows(4).any(|w| w == b"\n#\t0")
}

/// `heap profile: IO: IB [AO: AB] @ heap/N`, the header Go's runtime writes (C++ and jemalloc
/// headers, `heap_v2/N` and the like, are not Go's).
fn is_go_heap_header(line: &str) -> bool {
    heap_header(line).is_some()
}

struct HeapHeader {
    has_alloc: bool,
    rate: i64,
}

fn heap_header(line: &str) -> Option<HeapHeader> {
    let rest = line.strip_prefix("heap profile:")?;
    let (pairs, sampling) = rest.split_once('@')?;
    let n = sampling.trim().strip_prefix("heap/")?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rate: i64 = n.parse().ok()?;
    let [io, ib, ao, ab] = heap_pair_strings(pairs)?;
    // pprof compares the header's fields as strings: alloc fields that repeat the in-use ones
    // (or are "0") make a profile of two types, objects and space.
    let has_alloc = (ao != io && ao != "0") || (ab != ib && ab != "0");
    // pprof halves the rate of `heap/N`: Go's runtime writes twice MemProfileRate.
    Some(HeapHeader {
        has_alloc,
        rate: rate / 2,
    })
}

/// `IO: IB [AO: AB]` as four strings.
fn heap_pair_strings(s: &str) -> Option<[&str; 4]> {
    let (inuse, alloc) = s.trim().split_once('[')?;
    let alloc = alloc.trim().strip_suffix(']')?;
    let (io, ib) = colon_pair(inuse)?;
    let (ao, ab) = colon_pair(alloc)?;
    Some([io, ib, ao, ab])
}

fn colon_pair(p: &str) -> Option<(&str, &str)> {
    let (a, b) = p.split_once(':')?;
    Some((a.trim(), b.trim()))
}

/// `IO: IB [AO: AB]` as numbers.
fn heap_pairs(s: &str) -> Option<[i64; 4]> {
    let [io, ib, ao, ab] = heap_pair_strings(s)?;
    Some([
        parse_count(io)?,
        parse_count(ib)?,
        parse_count(ao)?,
        parse_count(ab)?,
    ])
}

/// `NAME profile: total N` → NAME.
fn count_header(line: &str) -> Option<&str> {
    let (name, total) = line.split_once(" profile: total ")?;
    let ok = !name.is_empty()
        && !name.contains(char::is_whitespace)
        && !total.is_empty()
        && total.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(name)
}

fn is_contention_header(line: &str) -> bool {
    line == "--- contention:" || line == "--- mutex:"
}

/// One comment line: the frame's PC and, when Go could name it, function, offset and place.
struct Comment<'t> {
    pc: u64,
    named: Option<(Frame<'t>, u64)>,
}

/// One record while it is being read.
#[derive(Default)]
struct Record<'t> {
    line: usize,
    values: Vec<i64>,
    block_size: i64,
    pcs: Vec<u64>,
    labels: Vec<(String, String)>,
    comments: Vec<Comment<'t>>,
}

pub(super) fn read(data: &[u8], kind: Kind, limits: &Limits) -> Result<Profile, DecodeError> {
    // Kept so that frames can borrow their names from the lines; borrowed from `data` unless a line is not UTF-8.
    let text: Vec<(usize, std::borrow::Cow<str>)> = lines(data).collect::<Result<_, _>>()?;
    let mut it = text.iter().filter(|(_, l)| !l.trim().is_empty()).peekable();
    let Some((header_no, header)) = it.next() else {
        return Err(DecodeError::Empty);
    };
    let mut reader = RecordReader::new(kind, header, *header_no, limits)?;
    let mut memstats: Option<MemStats> = None;
    let mut record: Option<Record> = None;
    for (no, line) in it {
        let no = *no;
        if let Some(m) = memstats.as_mut() {
            if !line.starts_with('#') {
                return Err(bad_line(
                    no,
                    "expected a `# Name = value` line after `# runtime.MemStats`",
                ));
            }
            m.push_line(line).map_err(|e| bad_line(no, e.to_string()))?;
            continue;
        }
        if line.trim_end() == "# runtime.MemStats" {
            if let Some(r) = record.take() {
                reader.finish_record(r)?;
            }
            memstats = Some(MemStats::default());
            continue;
        }
        if let Some(body) = line.strip_prefix('#') {
            let r = record
                .as_mut()
                .ok_or_else(|| bad_line(no, "a comment line before the first record"))?;
            if let Some(labels) = body.trim_start().strip_prefix("labels:") {
                r.labels =
                    parse_labels(labels.trim()).ok_or_else(|| bad_line(no, "malformed labels"))?;
            } else {
                r.comments.push(parse_comment(body, no)?);
            }
            continue;
        }
        if kind == Kind::Contention
            && record.is_none()
            && !reader.records_started
            && let Some((key, value)) = line.split_once('=')
        {
            reader.attribute(key.trim(), value.trim(), no)?;
            continue;
        }
        if let Some(r) = record.take() {
            reader.finish_record(r)?;
        }
        record = Some(reader.parse_record_line(line, no)?);
    }
    if let Some(r) = record.take() {
        reader.finish_record(r)?;
    }
    let mut profile = reader.builder.finish();
    profile.memstats = memstats;
    Ok(profile)
}

/// Reads records of one kind into a builder.
struct RecordReader<'l> {
    kind: Kind,
    builder: Builder<'l>,
    limits: &'l Limits,
    has_alloc: bool,
    /// Heap: the unsampling rate; contention: the sampling period.
    rate: i64,
    cycles_per_second: i64,
    records_started: bool,
}

impl<'l> RecordReader<'l> {
    fn new(
        kind: Kind,
        header: &str,
        no: usize,
        limits: &'l Limits,
    ) -> Result<RecordReader<'l>, DecodeError> {
        let header = header.trim_end();
        let (builder, has_alloc, rate) = match kind {
            Kind::Heap => {
                let h = heap_header(header)
                    .ok_or_else(|| bad_line(no, "malformed heap profile header"))?;
                let types: &[(&str, &str)] = if h.has_alloc {
                    &[
                        ("alloc_objects", "count"),
                        ("alloc_space", "bytes"),
                        ("inuse_objects", "count"),
                        ("inuse_space", "bytes"),
                    ]
                } else {
                    &[("objects", "count"), ("space", "bytes")]
                };
                (
                    Builder::new(limits, types, ("space", "bytes"), h.rate),
                    h.has_alloc,
                    h.rate,
                )
            }
            Kind::Count => {
                let name = count_header(header)
                    .ok_or_else(|| bad_line(no, "malformed count profile header"))?;
                (
                    Builder::new(limits, &[(name, "count")], (name, "count"), 1),
                    false,
                    1,
                )
            }
            Kind::Contention => (
                Builder::new(
                    limits,
                    &[("contentions", "count"), ("delay", "nanoseconds")],
                    ("contentions", "count"),
                    1,
                ),
                false,
                1,
            ),
        };
        Ok(RecordReader {
            kind,
            builder,
            limits,
            has_alloc,
            rate,
            cycles_per_second: 0,
            records_started: false,
        })
    }

    /// `cycles/second=N` and `sampling period=N` before the first contention record.
    fn attribute(&mut self, key: &str, value: &str, no: usize) -> Result<(), DecodeError> {
        let number =
            || parse_count(value).ok_or_else(|| bad_line(no, format!("{key} is not a number")));
        match key {
            "cycles/second" => self.cycles_per_second = number()?,
            "sampling period" => {
                // The profile's period is the sampling period, as pprof reads it.
                self.rate = number()?;
                self.builder.set_period(self.rate);
            }
            _ => {}
        }
        Ok(())
    }

    fn parse_record_line<'t>(
        &mut self,
        line: &'t str,
        no: usize,
    ) -> Result<Record<'t>, DecodeError> {
        self.records_started = true;
        let (values, addresses) = line
            .split_once(" @")
            .or_else(|| line.strip_suffix('@').map(|v| (v, "")))
            .ok_or_else(|| bad_line(no, "expected a record (`… @ 0x…`)"))?;
        let mut pcs = Vec::new();
        for a in addresses.split_ascii_whitespace() {
            let pc = parse_hex(a)
                .ok_or_else(|| bad_line(no, format!("bad address {:?}", truncate(a))))?;
            pcs.push(pc);
            if pcs.len() as u64 > self.limits.max_stack_depth {
                return Err(DecodeError::Limit {
                    what: "locations in one stack",
                    limit: self.limits.max_stack_depth,
                    flag: "--max-stack-depth",
                });
            }
        }
        let (values, block_size) = match self.kind {
            Kind::Heap => self.heap_values(values, no)?,
            Kind::Count => {
                let n = parse_count(values.trim())
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| bad_line(no, "malformed count"))?;
                (vec![n], 0)
            }
            Kind::Contention => (self.contention_values(values, no)?, 0),
        };
        Ok(Record {
            line: no,
            values,
            block_size,
            pcs,
            ..Record::default()
        })
    }

    /// pprof's parseHeapSample: the alloc pair (when the profile has one) then the in-use pair,
    /// each unsampled on its own; the block size from the in-use pair when it counts objects.
    fn heap_values(&self, s: &str, no: usize) -> Result<(Vec<i64>, i64), DecodeError> {
        let [io, ib, ao, ab] =
            heap_pairs(s).ok_or_else(|| bad_line(no, "malformed heap record"))?;
        let mut values = Vec::with_capacity(4);
        let mut block_size = 0;
        let pairs: &[(i64, i64, &str)] = if self.has_alloc {
            &[(ao, ab, "allocation"), (io, ib, "inuse")]
        } else {
            &[(io, ib, "inuse")]
        };
        for &(count, bytes, what) in pairs {
            if count == 0 && bytes != 0 {
                return Err(bad_line(
                    no,
                    format!("{what} count was 0 but {what} bytes was {bytes}"),
                ));
            }
            let (mut c, mut b) = (count, bytes);
            if count != 0 {
                block_size = bytes / count;
                (c, b) = unsample(count, bytes, self.rate)
                    .ok_or_else(|| bad_line(no, "a value is too large once unsampled"))?;
            }
            values.extend([c, b]);
        }
        Ok((values, block_size))
    }

    /// pprof's parseContentionSample: delay in cycles converted to nanoseconds and both values
    /// multiplied by the sampling period; the count comes first in the profile.
    fn contention_values(&self, s: &str, no: usize) -> Result<Vec<i64>, DecodeError> {
        let mut it = s.split_ascii_whitespace();
        let (Some(cycles), Some(count), None) = (it.next(), it.next(), it.next()) else {
            return Err(bad_line(no, "malformed contention record"));
        };
        let (Some(mut cycles), Some(mut count)) = (parse_count(cycles), parse_count(count)) else {
            return Err(bad_line(no, "malformed contention record"));
        };
        let too_large = || bad_line(no, "a value is too large once scaled");
        let period = self.rate;
        if period > 0 {
            if self.cycles_per_second > 0 {
                let ghz = self.cycles_per_second as f64 / 1e9;
                cycles = to_i64(cycles as f64 * period as f64 / ghz).ok_or_else(too_large)?;
            }
            count = count.checked_mul(period).ok_or_else(too_large)?;
        }
        Ok(vec![count, cycles])
    }

    fn finish_record(&mut self, r: Record) -> Result<(), DecodeError> {
        let stack = self.stack(&r)?;
        let mut labels: Vec<Label> = Vec::new();
        for (k, v) in &r.labels {
            labels.push(self.builder.str_label(k, v)?);
        }
        if self.kind == Kind::Heap && r.block_size != 0 {
            labels.push(self.builder.num_label("bytes", r.block_size, "")?);
        }
        self.builder
            .sample(&stack, &r.values, &labels)
            .map_err(|e| with_line(e, r.line))
    }

    /// The record's locations, leaf first: its comment frames, inline runs folded.
    fn stack(&mut self, r: &Record) -> Result<Vec<LocIdx>, DecodeError> {
        if r.comments.is_empty() {
            if r.pcs.is_empty() {
                return Err(bad_line(r.line, "a record with no frames"));
            }
            // No names: the addresses, each moved back onto its call instruction as pprof does.
            return r
                .pcs
                .iter()
                .map(|&pc| self.builder.location(pc.wrapping_sub(1), &[]))
                .collect();
        }
        if r.comments.len() > r.pcs.len().max(1) {
            return Err(bad_line(r.line, "more frame comments than addresses"));
        }
        if r.pcs.is_empty() {
            // Go's mark of an empty stack is the single comment `#\t0x0`.
            return match r.comments.as_slice() {
                [Comment { pc: 0, named: None }] => Ok(Vec::new()),
                _ => Err(bad_line(
                    r.line,
                    "frame comments on a record without addresses",
                )),
            };
        }
        let mut stack = Vec::new();
        let mut i = 0;
        while i < r.comments.len() {
            let c = &r.comments[i];
            let Some((first, first_entry)) = &c.named else {
                stack.push(self.builder.location(c.pc, &[])?);
                i += 1;
                continue;
            };
            let mut frames = vec![first.clone()];
            let mut j = i + 1;
            while let Some(Comment {
                named: Some((f, entry)),
                ..
            }) = r.comments.get(j)
            {
                // Same entry, different function: inlined into the next frame (pcDeck's rule).
                let previous = &frames[frames.len() - 1];
                if entry != first_entry || f.function == previous.function {
                    break;
                }
                frames.push(f.clone());
                j += 1;
            }
            stack.push(self.builder.location(c.pc, &frames)?);
            i = j;
        }
        Ok(stack)
    }
}

/// `#<TAB>0xPC<TAB>func+0xOFF<TAB>file:line` (tab runs between columns), or `#<TAB>0xPC`.
fn parse_comment(body: &str, no: usize) -> Result<Comment<'_>, DecodeError> {
    let mut cols = body.split('\t').filter(|c| !c.is_empty());
    let pc_text = cols
        .next()
        .ok_or_else(|| bad_line(no, "an empty frame comment"))?;
    let pc = parse_hex(pc_text.trim())
        .ok_or_else(|| bad_line(no, format!("bad address {:?}", truncate(pc_text))))?;
    let Some(func) = cols.next() else {
        return Ok(Comment { pc, named: None });
    };
    let place = cols
        .next()
        .ok_or_else(|| bad_line(no, "a frame comment without file:line"))?;
    if cols.next().is_some() {
        return Err(bad_line(no, "a frame comment with extra columns"));
    }
    let (function, offset) = func
        .rsplit_once("+0x")
        .ok_or_else(|| bad_line(no, "a frame comment without +0x offset"))?;
    let offset =
        parse_hex(&format!("0x{offset}")).ok_or_else(|| bad_line(no, "a bad function offset"))?;
    let (file, line) = split_file_line(place.trim_end())
        .ok_or_else(|| bad_line(no, "a frame comment without file:line"))?;
    if function.is_empty() {
        return Err(bad_line(no, "a frame comment without a function name"));
    }
    Ok(Comment {
        pc,
        named: Some((
            Frame {
                function,
                file,
                line,
            },
            pc.wrapping_sub(offset),
        )),
    })
}

/// `{"k":"v", "k2":"v2"}` with Go-quoted strings, as printCountProfile writes labels.
fn parse_labels(s: &str) -> Option<Vec<(String, String)>> {
    let mut rest = s.strip_prefix('{')?.strip_suffix('}')?.trim();
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (key, after) = go_unquote(rest)?;
        let after = after.strip_prefix(':')?;
        let (value, after) = go_unquote(after)?;
        out.push((key, value));
        rest = after.trim_start();
        if let Some(more) = rest.strip_prefix(',') {
            rest = more.trim_start();
        } else if !rest.is_empty() {
            return None;
        }
    }
    Some(out)
}

/// A Go `%q` string at the start of `s`, and what follows it.
fn go_unquote(s: &str) -> Option<(String, &str)> {
    let mut chars = s.strip_prefix('"')?.char_indices();
    let body = &s[1..];
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &body[i + 1..])),
            '\\' => {
                let (_, e) = chars.next()?;
                let hex = |chars: &mut std::str::CharIndices, n: usize| -> Option<u32> {
                    let mut v = 0u32;
                    for _ in 0..n {
                        v = v * 16 + chars.next()?.1.to_digit(16)?;
                    }
                    Some(v)
                };
                let decoded = match e {
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'v' => '\u{b}',
                    '\\' | '"' | '\'' => e,
                    'x' => char::from_u32(hex(&mut chars, 2)?).unwrap_or('\u{fffd}'),
                    'u' => char::from_u32(hex(&mut chars, 4)?)?,
                    'U' => char::from_u32(hex(&mut chars, 8)?)?,
                    '0'..='7' => {
                        let mut v = e.to_digit(8)?;
                        for _ in 0..2 {
                            v = v * 8 + chars.next()?.1.to_digit(8)?;
                        }
                        char::from_u32(v).unwrap_or('\u{fffd}')
                    }
                    _ => return None,
                };
                out.push(decoded);
            }
            c => out.push(c),
        }
    }
    None
}

/// pprof's scaleHeapSample: a sampled (count, bytes) pair scaled by 1 / (1 − e^(−avg/rate)),
/// each product truncated. None when a result does not fit in an int64.
fn unsample(count: i64, bytes: i64, rate: i64) -> Option<(i64, i64)> {
    if count == 0 || bytes == 0 {
        return Some((0, 0));
    }
    if rate <= 1 {
        return Some((count, bytes));
    }
    let avg = bytes as f64 / count as f64;
    // Go's math.Exp, bit for bit: a last-ulp difference would change a truncated count.
    let scale = 1.0 / (1.0 - super::legacy::gomath::go_exp(-avg / rate as f64));
    Some((to_i64(count as f64 * scale)?, to_i64(bytes as f64 * scale)?))
}

/// 2^63, exactly representable.
const TWO_63: f64 = 9_223_372_036_854_775_808.0;

/// Go's int64(f) for values that fit; None otherwise (Go's result would be undefined).
fn to_i64(f: f64) -> Option<i64> {
    (f.is_finite() && (-TWO_63..TWO_63).contains(&f)).then_some(f as i64)
}

fn with_line(e: DecodeError, line: usize) -> DecodeError {
    match e {
        DecodeError::Text { line: 0, problem } => DecodeError::Text { line, problem },
        e => e,
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAP: &str = "heap profile: 3: 416 [8: 928] @ heap/1048576
1: 320 [2: 640] @ 0x4c3a15 0x4c3f50 0x46e8c1
#\t0x4c3a14\tmain.load+0x34\t\t/src/shop/main.go:22
#\t0x4c3f4f\tmain.handle+0x16f\t/src/shop/main.go:44

2: 96 [6: 288] @ 0x40f1a9 0x4c2e31 0x4c2e32 0x4c3f07 0x46e8c1
#\t0x4c2e30\texample.com/shop/cache.(*LRU).grow+0x50\t/src/shop/cache/lru.go:88
#\t0x4c2e31\texample.com/shop/cache.(*LRU).Put+0x51\t/src/shop/cache/lru.go:61
#\t0x4c3f06\tmain.handle+0x126\t\t\t/src/shop/main.go:40

";

    fn names(p: &Profile, loc: LocIdx) -> Vec<&str> {
        p.location(loc)
            .lines
            .iter()
            .map(|l| p.str(p.function(l.function).name))
            .collect()
    }

    #[test]
    fn heap_records_are_unsampled_and_inline_runs_fold() {
        let data = HEAP.as_bytes();
        assert_eq!(sniff(data), Some(Kind::Heap));
        let p = read(data, Kind::Heap, &Limits::default()).unwrap();
        assert_eq!(p.period, 524288);
        assert_eq!(p.sample_types.len(), 4);
        // The research note's worked example.
        assert_eq!(p.samples.values(0), &[3277, 1048896, 1638, 524448]);
        assert_eq!(p.samples.values(1), &[65539, 3145872, 21846, 1048624]);
        let stack = p.samples.stack(1);
        assert_eq!(stack.len(), 2);
        assert_eq!(
            names(&p, stack[0]),
            [
                "example.com/shop/cache.(*LRU).grow",
                "example.com/shop/cache.(*LRU).Put"
            ]
        );
        assert_eq!(names(&p, stack[1]), ["main.handle"]);
    }

    #[test]
    fn count_profiles_keep_labels_and_empty_stacks() {
        let text = "goroutine profile: total 7
5 @ 0x43a2f6 0x4c51fa 0x46e8c1
#\t0x4c51f9\texample.com/shop/queue.(*Worker).loop+0x39\t/src/shop/queue/worker.go:27

2 @ 0x43a2f6 0x4c60d3 0x46e8c1
# labels: {\"job\":\"sync\", \"tenant\":\"e\\\"u\"}
#\t0x4c60d2\texample.com/shop/sync.poll+0x72\t/src/shop/sync/poll.go:15
";
        let p = read(text.as_bytes(), Kind::Count, &Limits::default()).unwrap();
        assert_eq!(p.sample_types[0].ty, "goroutine");
        assert_eq!(p.samples.values(0), &[5]);
        let labels = p.samples.labels(1);
        assert_eq!(labels.len(), 2);
        let crate::profile::LabelValue::Str(v) = labels[1].value else {
            panic!("string label expected");
        };
        assert_eq!(p.str(v), "e\"u");
        let threads = read(
            b"threadcreate profile: total 4\n4 @\n#\t0x0\n\n",
            Kind::Count,
            &Limits::default(),
        )
        .unwrap();
        assert!(threads.samples.stack(0).is_empty());
    }

    #[test]
    fn contention_delay_is_converted_and_scaled_by_the_period() {
        let text = "--- mutex:
cycles/second=2400000000
sampling period=5
4800000 12 @ 0x4c51ba 0x464341
#\t0x4c51b9\tsync.(*Mutex).Unlock+0x79\tsync/mutex.go:223
";
        let p = read(text.as_bytes(), Kind::Contention, &Limits::default()).unwrap();
        assert_eq!(p.samples.values(0), &[60, 10000000]);
        assert_eq!(p.period, 5);
    }

    #[test]
    fn bad_records_name_their_line() {
        let bad = [
            (
                "heap profile: 1: 8 [1: 8] @ heap/1048576\n1: 8 [1: 8] @ 0x4A\n#\t0x49\tf+0x1\tf.go:1\n",
                "line 2: bad address \"0x4A\"",
            ),
            (
                "heap profile: 1: 8 [1: 8] @ heap/1048576\n1: 8 [1: 8] @\n#\t0x49\tf+0x1\tf.go:1\n",
                "line 2: frame comments on a record without addresses",
            ),
            (
                "goroutine profile: total 1\n1 @\n\n2 @ 0x1\n#\t0x0\tf+0x1\tf.go:1\n",
                "line 2: a record with no frames",
            ),
            (
                "heap profile: 1: 8 [2: 16] @ heap/1048576\n0: 8 [0: 8] @ 0x1\n#\t0x0\tf+0x0\tf.go:1\n",
                "line 2: allocation count was 0 but allocation bytes was 8",
            ),
            (
                "heap profile: 1: 8 [2: 8] @ heap/1048576\n9223372036854775807: 9223372036854775807 [9223372036854775807: 9223372036854775807] @ 0x1\n#\t0x0\tf+0x0\tf.go:1\n",
                "line 2: a value is too large once unsampled",
            ),
        ];
        for (text, want) in bad {
            let kind = sniff(text.as_bytes()).unwrap();
            let err = read(text.as_bytes(), kind, &Limits::default())
                .unwrap_err()
                .to_string();
            assert!(err.ends_with(want), "{err}");
        }
    }

    #[test]
    fn texts_without_comments_are_left_to_pprof_and_headless_ones_are_noticed() {
        assert_eq!(
            sniff(b"heap profile: 1: 8 [1: 8] @ heap/1048576\n1: 8 [1: 8] @ 0x1\n"),
            None
        );
        assert_eq!(
            sniff(b"heap profile: 1: 8 [1: 8] @ heap_v2/524288\n1: 8 [1: 8] @ 0x1\n#\t0x0\n"),
            None
        );
        assert!(is_headless(
            b"1: 8 [1: 8] @ 0x4c3a15\n#\t0x4c3a14\tmain.load+0x34\tmain.go:22\n"
        ));
        assert!(is_headless(
            b"5 @ 0x4c3a15\n#\t0x4c3a14\tmain.load+0x34\tmain.go:22\n"
        ));
        assert!(!is_headless(b"5 @ 0x4c3a15\n"));
        assert!(!is_headless(b"\x0a\x04"));
    }
}
