//! pprof's legacy (pre-protobuf) formats, read as Go 1.19's pprof reads them
//! (profile/legacy_profile.go and legacy_java_profile.go): the binary CPU profile of gperftools
//! and old Go runtimes (and its Java variant), heap profiles (Go's `heap/N`, tcmalloc's
//! `heap_v2` / `heapz_v2` / `heapprofile`, growthz, fragmentationz), Go count profiles
//! (goroutine, threadcreate), threadz, contention (C++ contentionz, Go's block and mutex text),
//! and Java's heapz and contentionz texts.
//!
//! pprof tries its parsers in a fixed order; each either does not recognise the data (the next
//! one tries) or reads it, possibly failing with an error that ends the search. The result is
//! the same `Profile` the protobuf path produces: locations hold addresses (and, for Java,
//! names), mappings come from the memory map after the samples, and every report works on it.
//! Nothing is symbolized, as `go tool pprof` cannot without the binaries: frames print as
//! `[binary]` or `<unknown>`, which is what pprof prints too.
//!
//! Every reader is bounded by the decode `Limits` (samples, locations, frames, functions,
//! string bytes) and by Go's own 64 KiB line limit, which pprof's scanner enforces too.

mod contention;
mod count;
mod cpu;
pub(crate) mod gomath;
mod heap;
mod java;
mod maps;
mod text;
mod thread;

use std::collections::HashMap;

use crate::error::{DecodeError, Malformed};
use crate::profile::{
    FuncIdx, Function, Label, LabelValue, Line, LocIdx, Location, MapIdx, Mapping, Profile,
    SampleTable, StrId, ValueType, to_u32,
};

use super::Limits;
use maps::MapEntry;

/// Why a reader did not produce a profile.
#[derive(Debug)]
pub(super) enum Error {
    /// pprof's `errUnrecognized`: not this format, let the next reader try.
    Unrecognized,
    /// Any other error, which ends the search as it does in pprof.
    Failed(DecodeError),
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Error {
        Error::Failed(e)
    }
}

/// An error worded as pprof words it (the decode error adds `parsing profile: `).
fn failed(message: impl Into<String>) -> Error {
    Error::Failed(DecodeError::LegacyFormat(message.into()))
}

/// pprof's `errMalformed`.
fn malformed() -> Error {
    failed("malformed profile format")
}

/// Whether `data` starts the way one of pprof's legacy formats starts: the header each reader
/// checks before it reads anything else. A valid profile.proto never starts like this (a zero
/// word, or text whose first bytes are not a valid protobuf field).
pub(crate) fn recognizes(data: &[u8]) -> bool {
    cpu::recognizes(data)
        || heap::recognizes(data)
        || count::recognizes(data)
        || thread::recognizes(data)
        || contention::recognizes(data)
        || java::recognizes(data)
}

/// pprof's `parseLegacy`: each reader in pprof's order until one recognises the data.
pub(super) fn parse(data: &[u8], limits: &Limits) -> Result<Profile, Error> {
    type Reader = fn(&[u8], &Limits) -> Result<Profile, Error>;
    const READERS: [Reader; 6] = [
        cpu::parse,
        heap::parse,
        count::parse,
        thread::parse,
        contention::parse,
        java::parse,
    ];
    for reader in READERS {
        match reader(data, limits) {
            Err(Error::Unrecognized) => continue,
            result => return result,
        }
    }
    Err(Error::Unrecognized)
}

/// A location while a profile is read: its address and, for Java, its one line.
struct Loc {
    address: u64,
    line: Option<Line>,
}

/// What a reader does after its samples, in pprof's order.
#[derive(Default)]
struct Finish {
    /// `cleanupDuplicateLocations` (CPU and threadz): a leaf that repeats the caller's address
    /// plus one is dropped.
    drop_duplicate_leaf: bool,
    /// `Aggregate(address=false)` (Java): addresses cleared after mappings are assigned.
    clear_addresses: bool,
}

/// Collects one legacy profile under the limits and turns it into a `Profile` the way pprof's
/// `ParseMemoryMapFromScanner` finishes one: mappings massaged, locations and functions
/// numbered by first use, every location given a mapping.
struct Builder<'l> {
    limits: &'l Limits,
    sample_types: Vec<ValueType>,
    period_type: ValueType,
    period: i64,
    duration_nanos: i64,
    samples: SampleTable,
    locations: Vec<Loc>,
    by_address: HashMap<u64, u32>,
    functions: Vec<Function>,
    by_name: HashMap<String, FuncIdx>,
    strings: Vec<String>,
    string_bytes: u64,
    bytes_key: Option<StrId>,
    mappings: Vec<MapEntry>,
    stack: Vec<LocIdx>,
}

impl<'l> Builder<'l> {
    /// A profile whose samples carry `n_values` values each.
    fn new(limits: &'l Limits, n_values: usize) -> Builder<'l> {
        Builder {
            limits,
            sample_types: Vec::new(),
            period_type: ValueType::default(),
            period: 0,
            duration_nanos: 0,
            samples: SampleTable::new(n_values),
            locations: Vec::new(),
            by_address: HashMap::new(),
            functions: Vec::new(),
            by_name: HashMap::new(),
            strings: vec![String::new()],
            string_bytes: 0,
            bytes_key: None,
            mappings: Vec::new(),
            stack: Vec::new(),
        }
    }

    fn n_samples(&self) -> usize {
        self.samples.len()
    }

    /// The location at `address`, made on first use.
    fn location(&mut self, address: u64) -> Result<LocIdx, DecodeError> {
        if let Some(&idx) = self.by_address.get(&address) {
            return Ok(LocIdx(idx));
        }
        if self.locations.len() as u64 >= self.limits.max_locations {
            return Err(DecodeError::Limit {
                what: "locations",
                limit: self.limits.max_locations,
                flag: "--max-locations",
            });
        }
        let idx = to_u32(self.locations.len());
        self.locations.push(Loc {
            address,
            line: None,
        });
        self.by_address.insert(address, idx);
        Ok(LocIdx(idx))
    }

    /// The location already made for `address`, if any.
    fn existing_location(&self, address: u64) -> Option<LocIdx> {
        self.by_address.get(&address).map(|&i| LocIdx(i))
    }

    /// Appends a sample whose stack holds `addresses`, leaf first. `bytes` becomes the numeric
    /// label pprof attaches to heap samples.
    fn push_sample(
        &mut self,
        addresses: impl IntoIterator<Item = u64>,
        values: &[i64],
        bytes: Option<i64>,
    ) -> Result<(), DecodeError> {
        let l = self.limits;
        if self.samples.len() as u64 >= l.max_samples {
            return Err(DecodeError::Limit {
                what: "samples",
                limit: l.max_samples,
                flag: "--max-samples",
            });
        }
        let mut stack = std::mem::take(&mut self.stack);
        stack.clear();
        for address in addresses {
            if stack.len() as u64 >= l.max_stack_depth {
                return Err(DecodeError::Limit {
                    what: "locations in one stack",
                    limit: l.max_stack_depth,
                    flag: "--max-stack-depth",
                });
            }
            stack.push(self.location(address)?);
        }
        if (self.samples.n_frames() + stack.len()) as u64 > l.max_frames {
            return Err(DecodeError::Limit {
                what: "stack frames in all",
                limit: l.max_frames,
                flag: "--max-frames",
            });
        }
        let label = match bytes {
            Some(value) => {
                let key = match self.bytes_key {
                    Some(k) => k,
                    None => {
                        let k = self.string("bytes".to_string())?;
                        self.bytes_key = Some(k);
                        k
                    }
                };
                Some(Label {
                    key,
                    value: LabelValue::Num {
                        value,
                        unit: StrId::EMPTY,
                    },
                })
            }
            None => None,
        };
        self.samples.push(&stack, values, label.as_slice());
        self.stack = stack;
        Ok(())
    }

    /// Adds one to the first value of the last sample (threadz's "same as previous thread").
    fn bump_last_sample(&mut self) {
        if let Some(last) = self.samples.len().checked_sub(1) {
            let v = &mut self.samples.values_mut(last)[0];
            *v = v.wrapping_add(1);
        }
    }

    /// Rewrites every sample's stack with `f` (which fills the second argument).
    fn rewrite_stacks(&mut self, mut f: impl FnMut(&[LocIdx], &[Loc], &mut Vec<LocIdx>)) {
        let old = std::mem::take(&mut self.samples);
        let mut new = old.empty_like(old.len());
        let mut stack = Vec::new();
        for i in 0..old.len() {
            stack.clear();
            f(old.stack(i), &self.locations, &mut stack);
            new.push(&stack, old.values(i), old.labels(i));
        }
        self.samples = new;
    }

    /// Gives a location its one frame (Java): a function found or made by name, and clears its
    /// address, as pprof's `parseJavaLocations` does.
    fn set_java_frame(
        &mut self,
        loc: LocIdx,
        name: &str,
        file: &str,
        line: i64,
    ) -> Result<(), DecodeError> {
        let function = match self.by_name.get(name) {
            Some(&f) => f,
            None => {
                if self.functions.len() as u64 >= self.limits.max_functions {
                    return Err(DecodeError::Limit {
                        what: "functions",
                        limit: self.limits.max_functions,
                        flag: "--max-functions",
                    });
                }
                let name_id = self.string(name.to_string())?;
                let file_id = self.string(file.to_string())?;
                let f = FuncIdx(to_u32(self.functions.len()));
                self.functions.push(Function {
                    id: 0,
                    name: name_id,
                    system_name: name_id,
                    filename: file_id,
                    start_line: 0,
                });
                self.by_name.insert(name.to_string(), f);
                f
            }
        };
        let l = &mut self.locations[loc.0 as usize];
        l.line = Some(Line {
            function,
            line,
            column: 0,
        });
        l.address = 0;
        Ok(())
    }

    /// Adds a string to the table, counting it against the string limit.
    fn string(&mut self, s: String) -> Result<StrId, DecodeError> {
        self.count_string_bytes(s.len())?;
        self.strings.push(s);
        Ok(StrId(to_u32(self.strings.len() - 1)))
    }

    fn count_string_bytes(&mut self, n: usize) -> Result<(), DecodeError> {
        self.string_bytes = self.string_bytes.saturating_add(n as u64);
        if self.string_bytes > self.limits.max_string_bytes {
            return Err(DecodeError::Limit {
                what: "bytes of strings",
                limit: self.limits.max_string_bytes,
                flag: "--max-string-bytes",
            });
        }
        Ok(())
    }

    /// Adds the entries of a memory map.
    fn add_mappings(&mut self, mappings: Vec<MapEntry>) -> Result<(), DecodeError> {
        for m in &mappings {
            self.count_string_bytes(m.file.len() + m.build_id.len())?;
        }
        self.mappings.extend(mappings);
        Ok(())
    }

    /// The profile pprof's reader returns, after `addLegacyFrameInfo` and `CheckValid`.
    fn finish(mut self, how: Finish) -> Result<Profile, Error> {
        // remapLocationIDs: locations in order of first use; unused ones go.
        let mut order: Vec<u32> = Vec::new();
        let mut new_index = vec![u32::MAX; self.locations.len()];
        for &LocIdx(l) in (0..self.samples.len()).flat_map(|i| self.samples.stack(i)) {
            if new_index[l as usize] == u32::MAX {
                new_index[l as usize] = to_u32(order.len());
                order.push(l);
            }
        }
        let mut mappings = maps::massage_mappings(std::mem::take(&mut self.mappings));
        let assigned = maps::assign_mappings(
            &mut mappings,
            order.iter().map(|&l| self.locations[l as usize].address),
        );
        if how.drop_duplicate_leaf {
            self.rewrite_stacks(|stack, locs, out| {
                out.extend_from_slice(stack);
                if let [leaf, caller, ..] = stack
                    && locs[leaf.0 as usize].address
                        == locs[caller.0 as usize].address.wrapping_add(1)
                {
                    out.remove(1);
                }
            });
        }
        let samples = {
            let old = &self.samples;
            let mut new = old.empty_like(old.len());
            let mut stack = Vec::new();
            for i in 0..old.len() {
                stack.clear();
                stack.extend(old.stack(i).iter().map(|l| LocIdx(new_index[l.0 as usize])));
                new.push(&stack, old.values(i), old.labels(i));
            }
            new
        };
        // remapFunctionIDs: functions in order of first use by a location.
        let mut function_index = vec![u32::MAX; self.functions.len()];
        let mut functions = Vec::new();
        let mut locations = Vec::with_capacity(order.len());
        for (n, (&l, mapping)) in order.iter().zip(assigned).enumerate() {
            let loc = &self.locations[l as usize];
            let lines = loc
                .line
                .map(|line| {
                    let f = line.function.0 as usize;
                    if function_index[f] == u32::MAX {
                        function_index[f] = to_u32(functions.len());
                        let mut function = self.functions[f];
                        function.id = functions.len() as u64 + 1;
                        functions.push(function);
                    }
                    Line {
                        function: FuncIdx(function_index[f]),
                        ..line
                    }
                })
                .into_iter()
                .collect();
            locations.push(Location {
                id: n as u64 + 1,
                mapping: mapping.map(MapIdx),
                address: if how.clear_addresses { 0 } else { loc.address },
                lines,
                is_folded: false,
            });
        }
        let mappings = mappings
            .into_iter()
            .enumerate()
            .map(|(i, m)| Mapping {
                id: i as u64 + 1,
                start: m.start,
                limit: m.limit,
                offset: m.offset,
                file: m.file,
                build_id: m.build_id,
                ..Mapping::default()
            })
            .collect();
        let (drop_frames, keep_frames) = legacy_frame_info(&self.sample_types);
        if self.sample_types.is_empty() && !samples.is_empty() {
            return Err(DecodeError::Malformed(Malformed::MissingSampleTypes).into());
        }
        if !samples.is_empty() && samples.n_values() != self.sample_types.len() {
            return Err(DecodeError::Malformed(Malformed::ValueCount {
                got: samples.n_values(),
                want: self.sample_types.len(),
            })
            .into());
        }
        Ok(Profile {
            strings: self.strings,
            sample_types: self.sample_types,
            samples,
            mappings,
            locations,
            functions,
            drop_frames: drop_frames.to_string(),
            keep_frames: keep_frames.to_string(),
            time_nanos: 0,
            duration_nanos: self.duration_nanos,
            period_type: self.period_type,
            period: self.period,
            comments: Vec::new(),
            default_sample_type: String::new(),
            doc_url: String::new(),
            // pprof's reading of a Go heap text ignores its `#` lines, MemStats included.
            memstats: None,
        })
    }
}

/// A `ValueType` from two literals.
fn value_type(ty: &str, unit: &str) -> ValueType {
    ValueType {
        ty: ty.to_string(),
        unit: unit.to_string(),
    }
}

/// pprof's `addLegacyFrameInfo`: the frames its reports leave out of legacy profiles,
/// allocator internals for heap profiles, lock internals for contention, and the CPU
/// profiler's signal handler otherwise.
fn legacy_frame_info(types: &[ValueType]) -> (&'static str, &'static str) {
    let names: Vec<&str> = types.iter().map(|t| t.ty.as_str()).collect();
    const HEAP: [&[&str]; 5] = [
        &["allocations", "size"],
        &["objects", "space"],
        &["inuse_objects", "inuse_space"],
        &["alloc_objects", "alloc_space"],
        &[
            "alloc_objects",
            "alloc_space",
            "inuse_objects",
            "inuse_space",
        ],
    ];
    if HEAP.contains(&names.as_slice()) {
        (ALLOC_RX, ALLOC_SKIP_RX)
    } else if names == ["contentions", "delay"] {
        (LOCK_RX, "")
    } else {
        (CPU_PROFILER_RX, "")
    }
}

const ALLOC_RX: &str = concat!(
    r"calloc|cfree|malloc|free|memalign|do_memalign|(__)?posix_memalign|pvalloc|valloc|realloc|",
    r"tcmalloc::.*|tc_calloc|tc_cfree|tc_malloc|tc_free|tc_memalign|tc_posix_memalign|",
    r"tc_pvalloc|tc_valloc|tc_realloc|tc_new|tc_delete|tc_newarray|tc_deletearray|",
    r"tc_new_nothrow|tc_newarray_nothrow|",
    r"malloc_zone_malloc|malloc_zone_calloc|malloc_zone_valloc|malloc_zone_realloc|",
    r"malloc_zone_memalign|malloc_zone_free|",
    r"runtime\..*|",
    r"BaseArena::.*|(::)?do_malloc_no_errno|(::)?do_malloc_pages|(::)?do_malloc|",
    r"DoSampledAllocation|MallocedMemBlock::MallocedMemBlock|_M_allocate|",
    r"__builtin_(vec_)?delete|__builtin_(vec_)?new|__gnu_cxx::new_allocator::allocate|",
    r"__libc_malloc|__malloc_alloc_template::allocate|allocate|cpp_alloc|",
    r"operator new(\[\])?|simple_alloc::allocate"
);

const ALLOC_SKIP_RX: &str = r"runtime\.panic|runtime\.reflectcall|runtime\.call[0-9]*";

const CPU_PROFILER_RX: &str = concat!(
    r"ProfileData::Add|ProfileData::prof_handler|CpuProfiler::prof_handler|",
    r"__pthread_sighandler|__restore"
);

const LOCK_RX: &str = concat!(
    r"RecordLockProfileData|(base::)?RecordLockProfileData.*|",
    r"(base::)?SubmitMutexProfileData.*|(base::)?SubmitSpinLockProfileData.*|",
    r"(base::Mutex::)?AwaitCommon.*|(base::Mutex::)?Unlock.*|(base::Mutex::)?UnlockSlow.*|",
    r"(base::Mutex::)?ReaderUnlock.*|(base::MutexLock::)?~MutexLock.*|",
    r"(Mutex::)?AwaitCommon.*|(Mutex::)?Unlock.*|(Mutex::)?UnlockSlow.*|",
    r"(Mutex::)?ReaderUnlock.*|(MutexLock::)?~MutexLock.*|",
    r"(SpinLock::)?Unlock.*|(SpinLock::)?SlowUnlock.*|(SpinLockHolder::)?~SpinLockHolder.*"
);

/// pprof's `parseHexAddresses`: every `0x…` (lowercase hex) in `s`; one that does not fit in
/// 64 bits is pprof's error. More than `limits.max_stack_depth` of them is our limit, checked
/// as they are read so that one long line cannot cost memory in proportion.
fn parse_hex_addresses(s: &str, line: &str, limits: &Limits) -> Result<Vec<u64>, Error> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'0' && bytes[i + 1] == b'x' {
            let digits = bytes[i + 2..]
                .iter()
                .take_while(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
                .count();
            if digits > 0 {
                let hex = &s[i..i + 2 + digits];
                let Ok(v) = text::parse_uint(hex, 0) else {
                    return Err(failed(format!(
                        "malformed sample: {line}: failed to parse as hex 64-bit number: {hex}"
                    )));
                };
                if out.len() as u64 >= limits.max_stack_depth {
                    return Err(stack_too_deep(limits));
                }
                out.push(v);
                i += 2 + digits;
                continue;
            }
        }
        i += 1;
    }
    Ok(out)
}

fn stack_too_deep(limits: &Limits) -> Error {
    Error::Failed(DecodeError::Limit {
        what: "locations in one stack",
        limit: limits.max_stack_depth,
        flag: "--max-stack-depth",
    })
}

/// `parseAdditionalSections`: skips to the memory map sentinel and reads the map after it.
fn read_additional_sections(s: &mut text::Scanner, b: &mut Builder) -> Result<(), Error> {
    while !maps::is_memory_map_sentinel(&s.text()) && s.scan() {}
    if let Some(e) = s.err() {
        return Err(failed(e));
    }
    b.add_mappings(maps::parse_memory_map(s)?)?;
    Ok(())
}

/// The addresses of sample `i`'s stack, leaf first: what the legacy readers' tests check.
#[cfg(test)]
pub(super) fn stack_addresses(p: &Profile, i: usize) -> Vec<u64> {
    p.samples
        .stack(i)
        .iter()
        .map(|&l| p.location(l).address)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_addresses_like_pprofs_regex() {
        let limits = Limits::default();
        let parse = |s: &str| match parse_hex_addresses(s, s, &limits) {
            Ok(v) => Ok(v),
            Err(Error::Failed(e)) => Err(e.to_string()),
            Err(Error::Unrecognized) => Err("unrecognized".to_string()),
        };
        assert_eq!(
            parse(" 0x1 0xab 0x0g 00x12x0x34 0xAB"),
            Ok(vec![1, 0xab, 0, 0x12, 0x34])
        );
        assert_eq!(
            parse("0x10000000000000000"),
            Err("parsing profile: malformed sample: 0x10000000000000000: failed to parse as hex 64-bit number: 0x10000000000000000".to_string())
        );
        assert_eq!(parse("0x"), Ok(vec![]));
        let two = Limits {
            max_stack_depth: 2,
            ..Limits::default()
        };
        assert!(parse_hex_addresses("0x1 0x2 0x3", "", &two).is_err());
    }
}
