//! Refuses hostile input early: the top-level fields of a profile are checked against the
//! limits while it is being inflated, so that a small file declaring a 3 GiB string, or a bomb
//! of millions of samples, is refused after a few kilobytes rather than after gigabytes.

use crate::error::DecodeError;

use super::Limits;
use super::wire::read_varint;

/// Walks top-level field headers as bytes arrive and keeps counts per field.
#[derive(Debug, Clone)]
pub(super) struct Guard {
    limits: Limits,
    /// Offset of the next field header in the data seen so far.
    next: u64,
    samples: u64,
    locations: u64,
    functions: u64,
    string_bytes: u64,
    unknown_bytes: u64,
}

/// Most bytes of top-level fields that profile.proto does not define. pprof skips them; real
/// profiles have none, and a bomb of them would otherwise cost its full inflated size.
const MAX_UNKNOWN_BYTES: u64 = 64 << 20;

impl Guard {
    pub(super) fn new(limits: Limits) -> Guard {
        Guard {
            limits,
            next: 0,
            samples: 0,
            locations: 0,
            functions: 0,
            string_bytes: 0,
            unknown_bytes: 0,
        }
    }

    /// Checks every field header that `data` (everything inflated so far) now holds. Headers
    /// that are cut short are checked when more data arrives; malformed data is left to the
    /// decoder, which words the error.
    pub(super) fn advance(&mut self, data: &[u8]) -> Result<(), DecodeError> {
        while let Some(start) = usize::try_from(self.next).ok().filter(|&s| s < data.len()) {
            let header = &data[start..];
            let Ok((key, rest)) = read_varint(header) else {
                // Truncated (wait for more) or malformed (the decoder says so).
                return Ok(());
            };
            let (field, wire_type) = (key >> 3, key & 7);
            let (payload, rest) = match wire_type {
                0 => match read_varint(rest) {
                    Ok((_, after)) => (0u64, after),
                    Err(_) => return Ok(()),
                },
                1 => (8, rest),
                5 => (4, rest),
                2 => match read_varint(rest) {
                    Ok((len, after)) => (len, after),
                    Err(_) => return Ok(()),
                },
                _ => return Ok(()),
            };
            if field == 0 {
                // Not a valid field number; the decoder refuses it, so stop inflating now.
                return Err(DecodeError::Protobuf("invalid field number 0".to_string()));
            }
            let header_len = (header.len() - rest.len()) as u64;
            self.count(field, wire_type, payload)?;
            let end = self.next + header_len;
            let end = end.checked_add(payload).ok_or(DecodeError::TooLarge {
                limit: self.limits.max_inflated_bytes,
            })?;
            if end > self.limits.max_inflated_bytes {
                return Err(DecodeError::TooLarge {
                    limit: self.limits.max_inflated_bytes,
                });
            }
            self.next = end;
        }
        Ok(())
    }

    fn count(&mut self, field: u64, wire_type: u64, len: u64) -> Result<(), DecodeError> {
        let l = &self.limits;
        let (counter, limit, what, flag) = match (field, wire_type) {
            (2, _) => (&mut self.samples, l.max_samples, "samples", "--max-samples"),
            (4, 2) => (
                &mut self.locations,
                l.max_locations,
                "locations",
                "--max-locations",
            ),
            (5, 2) => (
                &mut self.functions,
                l.max_functions,
                "functions",
                "--max-functions",
            ),
            (6, 2) => {
                self.string_bytes = self.string_bytes.saturating_add(len);
                if self.string_bytes > l.max_string_bytes {
                    return Err(DecodeError::Limit {
                        what: "bytes of strings",
                        limit: l.max_string_bytes,
                        flag: "--max-string-bytes",
                    });
                }
                return Ok(());
            }
            (1..=15, _) => return Ok(()),
            _ => {
                self.unknown_bytes = self.unknown_bytes.saturating_add(len);
                if self.unknown_bytes > MAX_UNKNOWN_BYTES {
                    return Err(DecodeError::Limit {
                        what: "bytes of unknown fields",
                        limit: MAX_UNKNOWN_BYTES,
                        flag: "",
                    });
                }
                return Ok(());
            }
        };
        *counter += 1;
        if *counter > limit {
            return Err(DecodeError::Limit { what, limit, flag });
        }
        Ok(())
    }
}
