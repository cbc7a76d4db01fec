//! Builds a `Profile` from what the text readers find (Go's `debug=1` texts and goroutine
//! dumps): strings, functions and locations interned, samples pushed with the same limits the
//! protobuf decoder applies, and line-level helpers shared by the readers.

use std::collections::HashMap;

use crate::error::DecodeError;
use crate::profile::{
    FuncIdx, Function, Label, LabelValue, Line, LocIdx, Location, Profile, SampleTable, StrId,
    ValueType, to_u32,
};

use super::Limits;

/// Longest accepted text line. Go's longest lines are the MemStats `PauseNs` lists (about
/// 5 KB) and heap records with 128 addresses (about 2.5 KB); a longer line is not Go's.
pub(super) const MAX_LINE_BYTES: usize = 1 << 20;

/// A frame as the texts name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Frame<'t> {
    pub function: &'t str,
    pub file: &'t str,
    pub line: i64,
}

pub(super) struct Builder<'l> {
    limits: &'l Limits,
    profile: Profile,
    strings: HashMap<String, StrId>,
    string_bytes: u64,
    functions: HashMap<(StrId, StrId), FuncIdx>,
    locations: HashMap<(u64, Vec<Line>), LocIdx>,
    totals: Vec<i64>,
}

impl<'l> Builder<'l> {
    /// A profile of `sample_types` with the given period type and period.
    pub fn new(
        limits: &'l Limits,
        sample_types: &[(&str, &str)],
        period_type: (&str, &str),
        period: i64,
    ) -> Builder<'l> {
        let value_type = |(ty, unit): (&str, &str)| ValueType {
            ty: ty.to_string(),
            unit: unit.to_string(),
        };
        let profile = Profile {
            strings: vec![String::new()],
            sample_types: sample_types.iter().copied().map(value_type).collect(),
            samples: SampleTable::new(sample_types.len()),
            period_type: value_type(period_type),
            period,
            ..Profile::default()
        };
        let mut strings = HashMap::new();
        strings.insert(String::new(), StrId::EMPTY);
        Builder {
            limits,
            profile,
            strings,
            string_bytes: 0,
            functions: HashMap::new(),
            locations: HashMap::new(),
            totals: vec![0; sample_types.len()],
        }
    }

    pub fn set_period(&mut self, period: i64) {
        self.profile.period = period;
    }

    pub fn intern(&mut self, s: &str) -> Result<StrId, DecodeError> {
        if let Some(&id) = self.strings.get(s) {
            return Ok(id);
        }
        self.string_bytes += s.len() as u64;
        if self.string_bytes > self.limits.max_string_bytes {
            return Err(DecodeError::Limit {
                what: "bytes of strings",
                limit: self.limits.max_string_bytes,
                flag: "--max-string-bytes",
            });
        }
        let id = self.profile.add_string(s.to_string());
        self.strings.insert(s.to_string(), id);
        Ok(id)
    }

    fn function(&mut self, name: &str, file: &str) -> Result<FuncIdx, DecodeError> {
        let key = (self.intern(name)?, self.intern(file)?);
        if let Some(&idx) = self.functions.get(&key) {
            return Ok(idx);
        }
        let n = self.profile.functions.len();
        if n as u64 >= self.limits.max_functions {
            return Err(DecodeError::Limit {
                what: "functions",
                limit: self.limits.max_functions,
                flag: "--max-functions",
            });
        }
        self.profile.functions.push(Function {
            id: n as u64 + 1,
            name: key.0,
            system_name: key.0,
            filename: key.1,
            start_line: 0,
        });
        let idx = FuncIdx(to_u32(n));
        self.functions.insert(key, idx);
        Ok(idx)
    }

    /// The location at `address` whose frames are `frames`, innermost (inlined) first and the
    /// physical function last; an empty `frames` is an address without a name.
    pub fn location(&mut self, address: u64, frames: &[Frame]) -> Result<LocIdx, DecodeError> {
        let mut lines = Vec::with_capacity(frames.len());
        for f in frames {
            lines.push(Line {
                function: self.function(f.function, f.file)?,
                line: f.line,
                column: 0,
            });
        }
        let key = (address, lines);
        if let Some(&idx) = self.locations.get(&key) {
            return Ok(idx);
        }
        let n = self.profile.locations.len();
        if n as u64 >= self.limits.max_locations {
            return Err(DecodeError::Limit {
                what: "locations",
                limit: self.limits.max_locations,
                flag: "--max-locations",
            });
        }
        self.profile.locations.push(Location {
            id: n as u64 + 1,
            mapping: None,
            address,
            lines: key.1.clone(),
            is_folded: false,
        });
        let idx = LocIdx(to_u32(n));
        self.locations.insert(key, idx);
        Ok(idx)
    }

    /// A string label.
    pub fn str_label(&mut self, key: &str, value: &str) -> Result<Label, DecodeError> {
        Ok(Label {
            key: self.intern(key)?,
            value: LabelValue::Str(self.intern(value)?),
        })
    }

    /// A numeric label (`unit` "" for none).
    pub fn num_label(&mut self, key: &str, value: i64, unit: &str) -> Result<Label, DecodeError> {
        Ok(Label {
            key: self.intern(key)?,
            value: LabelValue::Num {
                value,
                unit: self.intern(unit)?,
            },
        })
    }

    /// Adds a sample; refuses it when a limit is passed or when a total would exceed 2^63 − 1
    /// (no Go runtime writes such counts; pprof would wrap them).
    pub fn sample(
        &mut self,
        stack: &[LocIdx],
        values: &[i64],
        labels: &[Label],
    ) -> Result<(), DecodeError> {
        let samples = &self.profile.samples;
        if samples.len() as u64 >= self.limits.max_samples {
            return Err(DecodeError::Limit {
                what: "samples",
                limit: self.limits.max_samples,
                flag: "--max-samples",
            });
        }
        check_stack(self.limits, stack.len(), samples.n_frames())?;
        for (total, v) in self.totals.iter_mut().zip(values) {
            *total = total
                .checked_add(v.saturating_abs())
                .ok_or_else(|| DecodeError::Text {
                    line: 0,
                    problem: "the values add up to more than 2^63 - 1".to_string(),
                })?;
        }
        self.profile.samples.push(stack, values, labels);
        Ok(())
    }

    pub fn finish(self) -> Profile {
        self.profile
    }
}

/// The stack limits, checked before a stack is built.
pub(super) fn check_stack(
    limits: &Limits,
    depth: usize,
    frames_so_far: usize,
) -> Result<(), DecodeError> {
    if depth as u64 > limits.max_stack_depth {
        return Err(DecodeError::Limit {
            what: "locations in one stack",
            limit: limits.max_stack_depth,
            flag: "--max-stack-depth",
        });
    }
    if (frames_so_far + depth) as u64 > limits.max_frames {
        return Err(DecodeError::Limit {
            what: "stack frames in all",
            limit: limits.max_frames,
            flag: "--max-frames",
        });
    }
    Ok(())
}

/// The lines of a text with their 1-based numbers, `\r\n` accepted, each checked against
/// `MAX_LINE_BYTES` and for UTF-8 (Go writes UTF-8; names keep invalid bytes as U+FFFD).
pub(super) fn lines(
    data: &[u8],
) -> impl Iterator<Item = Result<(usize, std::borrow::Cow<'_, str>), DecodeError>> {
    data.split(|&b| b == b'\n').enumerate().map(|(i, raw)| {
        let number = i + 1;
        if raw.len() > MAX_LINE_BYTES {
            return Err(DecodeError::Limit {
                what: "bytes in one text line",
                limit: MAX_LINE_BYTES as u64,
                flag: "",
            });
        }
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        Ok((number, String::from_utf8_lossy(raw)))
    })
}

/// Checks the line length of a text while it is inflated, so that a gzipped giant line is
/// refused before it is all in memory.
#[derive(Debug, Clone, Default)]
pub(super) struct LineGuard {
    checked: usize,
    line_len: usize,
}

impl LineGuard {
    /// Checks the bytes of `data` (everything inflated so far) not seen before.
    pub fn advance(&mut self, data: &[u8]) -> Result<(), DecodeError> {
        for &b in &data[self.checked.min(data.len())..] {
            self.line_len = if b == b'\n' { 0 } else { self.line_len + 1 };
            if self.line_len > MAX_LINE_BYTES {
                return Err(DecodeError::Limit {
                    what: "bytes in one text line",
                    limit: MAX_LINE_BYTES as u64,
                    flag: "",
                });
            }
        }
        self.checked = data.len();
        Ok(())
    }
}

/// A problem on a line of a text profile.
pub(super) fn bad_line(line: usize, problem: impl Into<String>) -> DecodeError {
    DecodeError::Text {
        line,
        problem: problem.into(),
    }
}

/// `0x` and lowercase hex digits, at most 64 bits: Go's `%#x`.
pub(super) fn parse_hex(s: &str) -> Option<u64> {
    let digits = s.strip_prefix("0x")?;
    if digits.is_empty()
        || digits.len() > 16
        || !digits
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    u64::from_str_radix(digits, 16).ok()
}

/// A decimal count that fits in an int64.
pub(super) fn parse_count(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Splits `file:line` at the last colon (file paths may hold colons, e.g. `C:\src\x.go:12`).
pub(super) fn split_file_line(s: &str) -> Option<(&str, i64)> {
    let (file, line) = s.rsplit_once(':')?;
    if line.is_empty() || !line.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((file, line.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_go_lowercase_and_64_bit() {
        assert_eq!(parse_hex("0x4c2bd1"), Some(0x4c2bd1));
        assert_eq!(parse_hex("0x4C2BD1"), None);
        assert_eq!(parse_hex("0x"), None);
        assert_eq!(parse_hex("4c2bd1"), None);
        assert_eq!(parse_hex("0x10000000000000000"), None);
        assert_eq!(parse_hex("0xffffffffffffffff"), Some(u64::MAX));
    }

    #[test]
    fn file_line_splits_at_the_last_colon() {
        assert_eq!(
            split_file_line("C:/src/a b.go:12"),
            Some(("C:/src/a b.go", 12))
        );
        assert_eq!(split_file_line("main.go:"), None);
        assert_eq!(split_file_line("main.go"), None);
    }
}
