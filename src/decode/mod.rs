//! Bytes → `Profile`: gzip sniffing and bounded inflating, protobuf decoding, id and string
//! resolution, and pprof's validity checks (`CheckValid`).
//!
//! This is the only place that sees wire structs and the only place that validates; later
//! stages trust the `Profile` it returns.

mod legacy;
mod resolve;

use std::io::Read;

use flate2::read::MultiGzDecoder;
use prost::Message;

use crate::error::DecodeError;
use crate::profile::Profile;
use crate::proto;

/// Bounds on what a decode may cost, so that a small hostile file cannot take unbounded
/// memory or time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted size of the protobuf after gunzip, in bytes (`--max-size`).
    pub max_inflated_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_inflated_bytes: 1 << 30,
        }
    }
}

/// Decodes a profile from the bytes of a file: gzip-compressed (one member or several) or raw
/// protobuf, recognised by content.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Profile, DecodeError> {
    let inflated;
    let data = if is_gzip(bytes) {
        inflated = inflate(bytes, limits.max_inflated_bytes)?;
        inflated.as_slice()
    } else {
        if bytes.len() as u64 > limits.max_inflated_bytes {
            return Err(DecodeError::TooLarge {
                limit: limits.max_inflated_bytes,
            });
        }
        bytes
    };
    let wire = decode_wire(data)?;
    resolve::resolve(wire)
}

fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Gunzips every member of `bytes`, refusing to produce more than `limit` bytes.
fn inflate(bytes: &[u8], limit: u64) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(4).min(limit as usize));
    // Reading one byte past the limit tells "exactly at the limit" from "over it".
    let mut reader = MultiGzDecoder::new(bytes).take(limit.saturating_add(1));
    reader
        .read_to_end(&mut out)
        .map_err(|e| DecodeError::Decompress(e.to_string()))?;
    if out.len() as u64 > limit {
        return Err(DecodeError::TooLarge { limit });
    }
    Ok(out)
}

/// Decodes the protobuf, with pprof's two special cases: empty input, and two profiles
/// concatenated (time_nanos set twice).
fn decode_wire(data: &[u8]) -> Result<proto::Profile, DecodeError> {
    if data.is_empty() {
        return Err(DecodeError::Empty);
    }
    if has_second_time_nanos(data) {
        return Err(DecodeError::Concatenated);
    }
    match proto::Profile::decode(data) {
        Ok(wire) => Ok(wire),
        Err(err) => Err(match legacy::sniff(data) {
            Some(kind) => DecodeError::Legacy(kind),
            None => DecodeError::Protobuf(err.to_string()),
        }),
    }
}

/// pprof refuses a top-level time_nanos (field 9) that arrives while one is already set to a
/// nonzero value: that is what two profiles written back to back look like. prost would just
/// keep the last value, so the top-level fields are walked once here. The walk stops quietly
/// on malformed data and leaves the error to the real decoder.
fn has_second_time_nanos(mut data: &[u8]) -> bool {
    let mut time_nanos = 0u64;
    while !data.is_empty() {
        let Some((key, rest)) = read_varint(data) else {
            return false;
        };
        data = rest;
        let (field, wire_type) = (key >> 3, key & 7);
        let skip = match wire_type {
            0 => match read_varint(data) {
                Some((value, rest)) => {
                    if field == 9 {
                        if time_nanos != 0 {
                            return true;
                        }
                        time_nanos = value;
                    }
                    data = rest;
                    0
                }
                None => return false,
            },
            1 => 8,
            2 => match read_varint(data) {
                Some((len, rest)) => {
                    data = rest;
                    len
                }
                None => return false,
            },
            5 => 4,
            _ => return false,
        };
        match usize::try_from(skip) {
            Ok(skip) if skip <= data.len() => data = &data[skip..],
            _ => return false,
        }
    }
    false
}

fn read_varint(data: &[u8]) -> Option<(u64, &[u8])> {
    let mut value = 0u64;
    for (i, &byte) in data.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            return Some((value, &data[i + 1..]));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    fn minimal_profile() -> Vec<u8> {
        proto::Profile {
            sample_type: vec![proto::ValueType { r#type: 1, unit: 2 }],
            sample: vec![proto::Sample {
                location_id: vec![],
                value: vec![5],
                label: vec![],
            }],
            string_table: vec![b"".to_vec(), b"samples".to_vec(), b"count".to_vec()],
            time_nanos: 7,
            ..Default::default()
        }
        .encode_to_vec()
    }

    #[test]
    fn raw_and_gzip_and_multi_member_gzip_decode_alike() {
        let raw = minimal_profile();
        let limits = Limits::default();
        let a = decode(&raw, &limits).unwrap();
        let b = decode(&gzip(&raw), &limits).unwrap();
        let (head, tail) = raw.split_at(raw.len() / 2);
        let mut multi = gzip(head);
        multi.extend(gzip(tail));
        let c = decode(&multi, &limits).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a.samples.value(0, 0), 5);
    }

    #[test]
    fn inflate_limit_is_checked_while_inflating() {
        let big = gzip(&vec![0u8; 1 << 20]);
        let limits = Limits {
            max_inflated_bytes: 1000,
        };
        let err = decode(&big, &limits).unwrap_err();
        assert!(matches!(err, DecodeError::TooLarge { limit: 1000 }));
    }

    #[test]
    fn concatenated_profiles_are_refused() {
        let mut two = minimal_profile();
        two.extend(minimal_profile());
        assert_eq!(
            decode(&two, &Limits::default()).unwrap_err().to_string(),
            "parsing profile: concatenated profiles detected"
        );
    }

    #[test]
    fn empty_and_truncated_gzip_are_refused() {
        let limits = Limits::default();
        assert_eq!(
            decode(b"", &limits).unwrap_err().to_string(),
            "parsing profile: empty input file"
        );
        let gz = gzip(&minimal_profile());
        let err = decode(&gz[..gz.len() - 6], &limits).unwrap_err();
        assert!(
            err.to_string().starts_with("decompressing profile: "),
            "{err}"
        );
    }
}
