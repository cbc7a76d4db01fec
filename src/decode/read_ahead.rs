//! Reading a profile's samples while the rest of it is still being inflated.
//!
//! A large gzip-compressed profile costs about as much to inflate as to read, and Go writes
//! the samples first. So natively, one thread inflates while this reader walks the top-level
//! fields that have arrived: sample fields are read into raw columns (location ids as written,
//! labels as string indices), every other field is kept for prost, as `split_samples` keeps
//! it. Ids and strings are resolved once the locations and the string table have arrived.
//!
//! The reader only ever speeds up a reading that succeeds: on anything unusual (malformed or
//! truncated data, an id that does not fit 32 bits, a limit reached) it gives up, and the
//! profile is read again from the inflated bytes by the ordinary path, which words the error
//! exactly as a reading in order does.

use crate::proto;

use super::Limits;
use super::wire::{self, Value};

/// The samples as written: location ids, values and labels, each column with the end offset
/// of every sample.
#[derive(Debug, Clone, Default)]
pub(super) struct RawSamples {
    pub(super) ids: Vec<u32>,
    pub(super) id_ends: Vec<u32>,
    pub(super) values: Vec<i64>,
    pub(super) value_ends: Vec<u32>,
    pub(super) labels: Vec<proto::Label>,
    pub(super) label_ends: Vec<u32>,
}

impl RawSamples {
    pub(super) fn len(&self) -> usize {
        self.id_ends.len()
    }
}

/// The top-level walk, fed with everything inflated so far.
#[derive(Debug, Clone)]
pub(super) struct ReadAhead {
    limits: Limits,
    /// Offset of the next top-level field.
    next: usize,
    samples: RawSamples,
    /// The other top-level fields, for prost.
    rest: Vec<u8>,
    time_nanos_seen: bool,
    gave_up: bool,
}

/// Why the reader stopped reading ahead; the ordinary path says what is wrong, if anything.
struct GiveUp;

impl ReadAhead {
    pub(super) fn new(limits: Limits) -> ReadAhead {
        ReadAhead {
            limits,
            next: 0,
            samples: RawSamples::default(),
            rest: Vec::new(),
            time_nanos_seen: false,
            gave_up: false,
        }
    }

    /// Reads every complete top-level field of `data` not read yet. A field cut short waits
    /// for more data.
    pub(super) fn advance(&mut self, data: &[u8]) {
        while !self.gave_up {
            let Some(tail) = data.get(self.next..).filter(|t| !t.is_empty()) else {
                return;
            };
            let Ok(Some((field, value, raw))) = wire::Reader::new(tail).field() else {
                return;
            };
            self.next += raw.len();
            if self.take(field, value, raw).is_err() {
                self.gave_up = true;
            }
        }
    }

    /// The other fields decoded by prost and the raw samples, when all of `data` was read.
    pub(super) fn finish(self, data: &[u8]) -> Option<(proto::Profile, RawSamples)> {
        if self.gave_up || self.next != data.len() {
            return None;
        }
        let profile = prost::Message::decode(self.rest.as_slice()).ok()?;
        Some((profile, self.samples))
    }

    fn take(&mut self, field: u64, value: Value, raw: &[u8]) -> Result<(), GiveUp> {
        match (field, value) {
            (2, Value::Bytes(bytes)) => self.read_sample(bytes),
            (2, _) => Err(GiveUp),
            (9, Value::Varint(_)) if self.time_nanos_seen => Err(GiveUp),
            (9, Value::Varint(_)) => {
                self.time_nanos_seen = true;
                self.rest.extend_from_slice(raw);
                Ok(())
            }
            _ => {
                self.rest.extend_from_slice(raw);
                Ok(())
            }
        }
    }

    /// One `Sample` message: location ids (1), values (2), labels (3).
    fn read_sample(&mut self, bytes: &[u8]) -> Result<(), GiveUp> {
        let s = &mut self.samples;
        let first_id = s.ids.len();
        let mut reader = wire::Reader::new(bytes);
        while let Some((field, value, _)) = reader.field().map_err(|_| GiveUp)? {
            match field {
                1 => read_ids(value, &mut s.ids)?,
                2 => wire::for_each_varint(field, value, |v| s.values.push(v as i64))
                    .map_err(|_| GiveUp)?,
                3 => match value {
                    Value::Bytes(label) => s
                        .labels
                        .push(super::resolve::read_raw_label(label).map_err(|_| GiveUp)?),
                    _ => return Err(GiveUp),
                },
                _ => {}
            }
        }
        let depth = (s.ids.len() - first_id) as u64;
        if depth > self.limits.max_stack_depth || s.ids.len() as u64 > self.limits.max_frames {
            return Err(GiveUp);
        }
        s.id_ends.push(end(s.ids.len())?);
        s.value_ends.push(end(s.values.len())?);
        s.label_ends.push(end(s.labels.len())?);
        Ok(())
    }
}

/// Location ids, packed or not, each of which must fit 32 bits.
fn read_ids(value: Value, ids: &mut Vec<u32>) -> Result<(), GiveUp> {
    match value {
        Value::Varint(v) => ids.push(u32::try_from(v).map_err(|_| GiveUp)?),
        Value::Bytes(packed) => read_packed_u32(packed, ids)?,
        _ => return Err(GiveUp),
    }
    Ok(())
}

/// A packed list of varints below 2^32: the loop that reads most of a large profile, so it
/// reads bytes by index with no intermediate results. Anything else (a longer varint, a
/// list cut short) gives up.
fn read_packed_u32(packed: &[u8], ids: &mut Vec<u32>) -> Result<(), GiveUp> {
    let mut i = 0;
    while let Some(&first) = packed.get(i) {
        i += 1;
        if first < 0x80 {
            ids.push(u32::from(first));
            continue;
        }
        let mut value = u32::from(first & 0x7f);
        let mut shift = 7;
        loop {
            let byte = *packed.get(i).ok_or(GiveUp)?;
            i += 1;
            if shift == 28 && byte > 0x0f {
                return Err(GiveUp);
            }
            value |= u32::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                break;
            }
            shift += 7;
        }
        ids.push(value);
    }
    Ok(())
}

fn end(n: usize) -> Result<u32, GiveUp> {
    u32::try_from(n).map_err(|_| GiveUp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(mut v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
        out
    }

    #[test]
    fn packed_ids_read_as_the_wire_reader_reads_them() {
        let values = [
            0u64,
            1,
            127,
            128,
            300,
            16_383,
            16_384,
            2_097_151,
            2_097_152,
            u32::MAX as u64,
        ];
        let packed: Vec<u8> = values.iter().flat_map(|&v| varint(v)).collect();
        let mut ids = Vec::new();
        assert!(read_packed_u32(&packed, &mut ids).is_ok());
        let mut expected = Vec::new();
        wire::for_each_varint(1, Value::Bytes(&packed), |v| expected.push(v as u32)).unwrap();
        assert_eq!(ids, expected);
        assert_eq!(ids.last(), Some(&u32::MAX));
    }

    #[test]
    fn ids_past_32_bits_and_cut_lists_give_up() {
        let mut ids = Vec::new();
        assert!(read_packed_u32(&varint(1 << 32), &mut ids).is_err());
        assert!(read_packed_u32(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00], &mut ids).is_err());
        assert!(read_packed_u32(&[0x05, 0x80], &mut ids).is_err());
    }
}
