//! The memory map that follows a legacy profile's samples (`/proc/self/maps` lines or the
//! brief `start-end file` form), and pprof's heuristics that turn it into mappings and give
//! every location one: `parseProcMapsFromScanner`, `massageMappings` and `remapMappingIDs`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::error::DecodeError;

use super::text::{Scanner, parse_uint};

/// A mapping while it is being read; ids are its position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct MapEntry {
    pub start: u64,
    pub limit: u64,
    pub offset: u64,
    pub file: String,
    pub build_id: String,
}

/// Most executable entries a memory map may list. Real maps have tens to a few thousand;
/// the bound keeps a hostile map from costing memory in proportion to its size.
pub(super) const MAX_MAPPINGS: u64 = 1 << 16;

/// Most `name=value` substitutions a memory map may define (real ones define one or two).
const MAX_ATTRIBUTES: usize = 256;

// pprof's regexes (legacy_profile.go), with Go's ASCII `\s` written out.
const S: &str = r"[\t\n\f\r ]";
static PROC_MAPS: LazyLock<Regex> = LazyLock::new(|| {
    let c_hex_range = format!(r"{S}*(?:0x)?([[:xdigit:]]+)(?:{S}|-)?{S}*(?:0x)?([[:xdigit:]]+):?");
    Regex::new(&format!(
        r"^{c_hex_range}(?:{S}+([-rwxp]+))?(?:{S}+([[:xdigit:]]+))?{S}+[[:xdigit:]]+:[[:xdigit:]]+{S}+[0-9]+(?:{S}+([^\t\n\f\r ]+))?"
    ))
    .expect("a fixed regex")
});
static BRIEF_MAPS: LazyLock<Regex> = LazyLock::new(|| {
    let c_hex_range = format!(r"{S}*(?:0x)?([[:xdigit:]]+)(?:{S}|-)?{S}*(?:0x)?([[:xdigit:]]+):?");
    Regex::new(&format!(
        r"^{c_hex_range}(?:{S}+([-rwxp]+))?(?:{S}+([^\t\n\f\r ]+))?(?:{S}+\(@([[:xdigit:]]+)\))?(?:{S}+([[:xdigit:]]+))?"
    ))
    .expect("a fixed regex")
});
static LOG_INFO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^[^\[\]]+:[0-9]+\]{S}")).expect("a fixed regex"));

/// pprof's `isMemoryMapSentinel`.
pub(super) fn is_memory_map_sentinel(line: &str) -> bool {
    line.contains("--- Memory map: ---") || line.contains("MAPPED_LIBRARIES:")
}

/// `parseProcMapsFromScanner`: every remaining line that reads as a mapping entry; `a=b`
/// lines define `$a` for the lines after them; anything else is skipped.
pub(super) fn parse_memory_map(s: &mut Scanner) -> Result<Vec<MapEntry>, DecodeError> {
    let mut mappings = Vec::new();
    let mut attrs = Replacer::default();
    while s.scan() {
        let text = s.text();
        let line = attrs.replace(remove_logging_info(&text))?;
        match parse_mapping_entry(&line) {
            Entry::Mapping(m) => {
                if mappings.len() as u64 >= MAX_MAPPINGS {
                    return Err(DecodeError::Limit {
                        what: "memory map entries",
                        limit: MAX_MAPPINGS,
                        flag: "",
                    });
                }
                mappings.push(m);
            }
            Entry::Skipped => {}
            Entry::Unrecognized => {
                if let Some((key, value)) = line.split_once('=') {
                    attrs.add(format!("${}", key.trim()), value.trim().to_string())?;
                }
            }
        }
    }
    if let Some(e) = s.err() {
        return Err(DecodeError::LegacyFormat(e.to_string()));
    }
    Ok(mappings)
}

fn remove_logging_info(line: &str) -> &str {
    match LOG_INFO.find(line) {
        Some(m) => &line[m.end()..],
        None => line,
    }
}

enum Entry {
    Mapping(MapEntry),
    /// A non-executable entry.
    Skipped,
    Unrecognized,
}

/// `parseMappingEntry`.
fn parse_mapping_entry(l: &str) -> Entry {
    let (start, end, perm, offset, file, build_id);
    if let Some(c) = PROC_MAPS.captures(l) {
        let g = |i| c.get(i).map_or("", |m| m.as_str());
        (start, end, perm, offset, file, build_id) = (g(1), g(2), g(3), g(4), g(5), "");
    } else if let Some(c) = BRIEF_MAPS.captures(l) {
        let g = |i| c.get(i).map_or("", |m| m.as_str());
        (start, end, perm, file, offset, build_id) = (g(1), g(2), g(3), g(4), g(5), g(6));
    } else {
        return Entry::Unrecognized;
    }
    if !perm.is_empty() && !perm.contains('x') {
        return Entry::Skipped;
    }
    let (Ok(start), Ok(limit)) = (parse_uint(start, 16), parse_uint(end, 16)) else {
        return Entry::Unrecognized;
    };
    let offset = if offset.is_empty() {
        0
    } else {
        match parse_uint(offset, 16) {
            Ok(o) => o,
            Err(_) => return Entry::Unrecognized,
        }
    };
    Entry::Mapping(MapEntry {
        start,
        limit,
        offset,
        file: file.to_string(),
        build_id: build_id.to_string(),
    })
}

/// Go's `strings.NewReplacer(attrs...)` as pprof rebuilds it after every attribute: at each
/// position the earliest-defined key that matches is replaced, and scanning resumes after it.
/// A regex alternation of the keys in definition order has exactly these semantics
/// (leftmost match, first alternative), and runs in time linear in the line.
#[derive(Default)]
struct Replacer {
    /// key → value, the first definition of a key winning.
    values: HashMap<String, String>,
    /// The keys in definition order.
    keys: Vec<String>,
    compiled: Option<Regex>,
}

impl Replacer {
    fn add(&mut self, key: String, value: String) -> Result<(), DecodeError> {
        if self.keys.len() >= MAX_ATTRIBUTES {
            return Err(too_many_attributes());
        }
        if !self.values.contains_key(&key) {
            self.values.insert(key.clone(), value);
            self.keys.push(key);
            self.compiled = None;
        }
        Ok(())
    }

    fn replace<'a>(&mut self, line: &'a str) -> Result<Cow<'a, str>, DecodeError> {
        if self.keys.is_empty() || !line.contains('$') {
            return Ok(line.into());
        }
        if self.compiled.is_none() {
            let pattern: Vec<String> = self.keys.iter().map(|k| regex::escape(k)).collect();
            let rx = Regex::new(&pattern.join("|")).map_err(|_| too_many_attributes())?;
            self.compiled = Some(rx);
        }
        let rx = self.compiled.as_ref().expect("compiled above");
        let values = &self.values;
        Ok(rx.replace_all(line, |c: &regex::Captures| {
            values.get(&c[0]).cloned().unwrap_or_default()
        }))
    }
}

fn too_many_attributes() -> DecodeError {
    DecodeError::Limit {
        what: "memory map attributes",
        limit: MAX_ATTRIBUTES as u64,
        flag: "",
    }
}

/// `massageMappings`: adjacent pieces of one mapping are joined, and what looks like the main
/// binary moves to the front.
pub(super) fn massage_mappings(mappings: Vec<MapEntry>) -> Vec<MapEntry> {
    let mut out: Vec<MapEntry> = Vec::with_capacity(mappings.len());
    for m in mappings {
        if let Some(last) = out.last_mut()
            && adjacent(last, &m)
        {
            last.limit = m.limit;
            if !m.file.is_empty() {
                last.file = m.file;
            }
            if !m.build_id.is_empty() {
                last.build_id = m.build_id;
            }
            continue;
        }
        out.push(m);
    }
    if let Some(main) = out.iter().position(|m| looks_like_main_binary(&m.file)) {
        out.swap(0, main);
    }
    out
}

fn looks_like_main_binary(file: &str) -> bool {
    static LIB: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"([.]so$|[.]so[._][0-9]+)").expect("a fixed regex"));
    let file = file.replace("(deleted)", "");
    let file = file.trim();
    !file.is_empty() && !LIB.is_match(file) && !file.starts_with('[')
}

fn adjacent(m1: &MapEntry, m2: &MapEntry) -> bool {
    if !m1.file.is_empty() && !m2.file.is_empty() && m1.file != m2.file {
        return false;
    }
    if !m1.build_id.is_empty() && !m2.build_id.is_empty() && m1.build_id != m2.build_id {
        return false;
    }
    if m1.limit != m2.start {
        return false;
    }
    if m1.offset != 0 && m2.offset != 0 {
        let offset = m1.offset.wrapping_add(m1.limit.wrapping_sub(m1.start));
        if offset != m2.offset {
            return false;
        }
    }
    true
}

/// `remapMappingIDs`: fixes up the main mapping, then gives each location (in the order given)
/// the first mapping that holds its address, else the first whose unlisted leading part would
/// hold it (that mapping then grows to cover it), else one fake mapping covering everything.
/// Locations at address 0 get none. Returns each location's mapping index.
pub(super) fn assign_mappings(
    mappings: &mut Vec<MapEntry>,
    addresses: impl Iterator<Item = u64>,
) -> Vec<Option<u32>> {
    if mappings.len() > 1
        && mappings[0].file.starts_with("/anon_hugepage")
        && mappings[0].limit == mappings[1].start
    {
        mappings.remove(0);
    }
    if let Some(m) = mappings.first_mut()
        && m.start.wrapping_sub(m.offset) == 0x400000
    {
        m.start = 0x400000;
        m.offset = 0;
    }
    let mut index = MappingIndex::new(mappings);
    let mut fake: Option<u32> = None;
    let mut out = Vec::new();
    for a in addresses {
        if a == 0 {
            out.push(None);
            continue;
        }
        if let Some(m) = index.holding(a) {
            out.push(Some(m));
            continue;
        }
        // Once made, the fake mapping holds every address but the last, and pprof's first
        // loop finds it before its second loop could grow a mapping.
        if let Some(f) = fake
            && a != u64::MAX
        {
            out.push(Some(f));
            continue;
        }
        if let Some(m) = index.leading_part_holding(a) {
            let entry = &mut mappings[m as usize];
            index.grow(m, entry.start - entry.offset, entry.start);
            entry.start -= entry.offset;
            entry.offset = 0;
            out.push(Some(m));
            continue;
        }
        let f = *fake.get_or_insert_with(|| {
            mappings.push(MapEntry {
                limit: u64::MAX,
                ..MapEntry::default()
            });
            (mappings.len() - 1) as u32
        });
        out.push(Some(f));
    }
    out
}

/// Answers "the first mapping (in list order) whose range holds this address" in logarithmic
/// time, where pprof scans every mapping for every location. Two segment trees over the
/// compressed range boundaries hold, per node, the lowest mapping index covering it: one for
/// `[start, limit)`, one for the leading parts `[start - offset, start)`. A mapping only ever
/// grows over its own leading part, so the second tree never needs updating: an address in a
/// grown mapping's old leading part is found by the first tree before the second is asked.
struct MappingIndex {
    bounds: Vec<u64>,
    held: MinTree,
    leading: MinTree,
}

impl MappingIndex {
    fn new(mappings: &[MapEntry]) -> MappingIndex {
        let mut bounds = Vec::with_capacity(mappings.len() * 3);
        for m in mappings {
            bounds.extend([m.start, m.limit]);
            if let Some(lead) = leading_part(m) {
                bounds.push(lead.0);
            }
        }
        bounds.sort_unstable();
        bounds.dedup();
        let slots = bounds.len().saturating_sub(1);
        let mut index = MappingIndex {
            held: MinTree::new(slots),
            leading: MinTree::new(slots),
            bounds,
        };
        for (i, m) in mappings.iter().enumerate() {
            index.grow(i as u32, m.start, m.limit);
            if let Some((lo, hi)) = leading_part(m) {
                let (lo, hi) = (index.slot(lo), index.slot(hi));
                index.leading.cover(lo, hi, i as u32);
            }
        }
        index
    }

    /// The slot whose range starts at bound `b` (which is one of the bounds).
    fn slot(&self, b: u64) -> usize {
        self.bounds.partition_point(|&x| x < b)
    }

    /// Records that mapping `m` holds `[lo, hi)`.
    fn grow(&mut self, m: u32, lo: u64, hi: u64) {
        if lo < hi {
            let (lo, hi) = (self.slot(lo), self.slot(hi));
            self.held.cover(lo, hi, m);
        }
    }

    /// The slot holding address `a`, if any bound range does.
    fn slot_of(&self, a: u64) -> Option<usize> {
        let next = self.bounds.partition_point(|&x| x <= a);
        (next > 0 && next < self.bounds.len()).then(|| next - 1)
    }

    fn holding(&self, a: u64) -> Option<u32> {
        self.slot_of(a).and_then(|s| self.held.min_at(s))
    }

    fn leading_part_holding(&self, a: u64) -> Option<u32> {
        self.slot_of(a).and_then(|s| self.leading.min_at(s))
    }
}

/// `[start - offset, start)` when pprof's second pass could match it.
fn leading_part(m: &MapEntry) -> Option<(u64, u64)> {
    (m.offset != 0 && m.offset <= m.start).then(|| (m.start - m.offset, m.start))
}

/// A segment tree of "lowest value covering this node"; a point's answer is the minimum along
/// its path to the root.
struct MinTree {
    size: usize,
    nodes: Vec<u32>,
}

impl MinTree {
    const NONE: u32 = u32::MAX;

    fn new(slots: usize) -> MinTree {
        let size = slots.next_power_of_two().max(1);
        MinTree {
            size,
            nodes: vec![Self::NONE; 2 * size],
        }
    }

    /// Covers slots `[lo, hi)` with `v`.
    fn cover(&mut self, lo: usize, hi: usize, v: u32) {
        let (mut lo, mut hi) = (lo + self.size, hi + self.size);
        while lo < hi {
            if lo & 1 == 1 {
                self.nodes[lo] = self.nodes[lo].min(v);
                lo += 1;
            }
            if hi & 1 == 1 {
                hi -= 1;
                self.nodes[hi] = self.nodes[hi].min(v);
            }
            lo /= 2;
            hi /= 2;
        }
    }

    fn min_at(&self, slot: usize) -> Option<u32> {
        let mut i = slot + self.size;
        let mut best = Self::NONE;
        while i > 0 {
            best = best.min(self.nodes[i]);
            i /= 2;
        }
        (best != Self::NONE).then_some(best)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(start: u64, limit: u64, offset: u64, file: &str) -> MapEntry {
        MapEntry {
            start,
            limit,
            offset,
            file: file.to_string(),
            build_id: String::new(),
        }
    }

    #[test]
    fn reads_proc_maps_brief_maps_and_attributes() {
        let text = "source=/home\n  00400000-00fcb000: $source/server\n\
                    7f0000000000-7f0000001000 r-xp 00001000 08:01 123 /lib/libc.so.6\n\
                    7f0000001000-7f0000002000 rw-p 00000000 08:01 123 /lib/libc.so.6\n\
                    garbage\n";
        let mut s = Scanner::new(text.as_bytes());
        let maps = parse_memory_map(&mut s).unwrap();
        assert_eq!(
            maps,
            vec![
                entry(0x400000, 0xfcb000, 0, "/home/server"),
                entry(0x7f0000000000, 0x7f0000001000, 0x1000, "/lib/libc.so.6"),
            ]
        );
    }

    #[test]
    fn attributes_replace_like_gos_replacer() {
        let mut r = Replacer::default();
        r.add("$a".into(), "X".into()).unwrap();
        r.add("$ab".into(), "Y".into()).unwrap();
        r.add("$a".into(), "Z".into()).unwrap();
        // The earliest-defined key wins at a position, even when a longer one matches too.
        assert_eq!(r.replace("$ab/$a.$c").unwrap(), "Xb/X.$c");
        assert_eq!(r.replace("no dollar").unwrap(), "no dollar");
    }

    #[test]
    fn main_binary_moves_first_and_pieces_join() {
        let maps = massage_mappings(vec![
            entry(0x1000, 0x2000, 0, "/lib/libc.so.6"),
            entry(0x400000, 0x500000, 0, "/bin/app"),
            entry(0x500000, 0x600000, 0, "/bin/app"),
        ]);
        assert_eq!(
            maps,
            vec![
                entry(0x400000, 0x600000, 0, "/bin/app"),
                entry(0x1000, 0x2000, 0, "/lib/libc.so.6"),
            ]
        );
    }

    /// pprof's loops, written as pprof writes them, to check the index against.
    fn assign_naively(mappings: &mut Vec<MapEntry>, addresses: &[u64]) -> Vec<Option<u32>> {
        let mut fake = None;
        addresses
            .iter()
            .map(|&a| {
                if a == 0 {
                    return None;
                }
                if let Some(i) = mappings.iter().position(|m| m.start <= a && a < m.limit) {
                    return Some(i as u32);
                }
                if let Some(i) = mappings.iter().position(|m| {
                    m.offset != 0 && m.start.wrapping_sub(m.offset) <= a && a < m.start
                }) {
                    mappings[i].start -= mappings[i].offset;
                    mappings[i].offset = 0;
                    return Some(i as u32);
                }
                Some(*fake.get_or_insert_with(|| {
                    mappings.push(entry(0, u64::MAX, 0, ""));
                    mappings.len() as u32 - 1
                }))
            })
            .collect()
    }

    #[test]
    fn index_agrees_with_pprofs_loops_on_overlapping_maps() {
        let mut seed = 12345u64;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for _ in 0..300 {
            let maps: Vec<MapEntry> = (0..next(6))
                .map(|_| {
                    let start = 1 + next(90);
                    entry(start, start + next(40), next(3) * next(30), "m")
                })
                .collect();
            let addresses: Vec<u64> = (0..20).map(|_| next(140)).collect();
            let (mut a, mut b) = (maps.clone(), maps.clone());
            assert_eq!(
                assign_mappings(&mut a, addresses.iter().copied()),
                assign_naively(&mut b, &addresses),
                "{maps:?} {addresses:?}"
            );
            assert_eq!(a, b);
        }
    }
}
