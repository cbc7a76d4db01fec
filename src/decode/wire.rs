//! A minimal protobuf wire reader for the hot path: the top level of a profile and its samples.
//!
//! A large profile is mostly samples (a packed list of location ids and values each). Decoding
//! them through prost would allocate three vectors per sample; reading them here writes
//! straight into the flat `SampleTable`. Everything else (mappings, locations, functions,
//! strings) still goes through the prost structs of `crate::proto`. The reader follows pprof's
//! own decoder: wire types 0, 1, 2 and 5 only, packed or unpacked repeated scalars, unknown
//! fields skipped.

/// A field's payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Value<'a> {
    Varint(u64),
    Fixed64,
    Bytes(&'a [u8]),
    Fixed32,
}

/// One field: its number, payload and raw bytes (key included).
pub(super) type Field<'a> = (u64, Value<'a>, &'a [u8]);

/// Reads fields from a message's bytes.
pub(super) struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(super) fn new(data: &'a [u8]) -> Reader<'a> {
        Reader { data }
    }

    /// The next field number, its payload and the raw bytes of the whole field, or None at
    /// the end of the message.
    pub(super) fn field(&mut self) -> Result<Option<Field<'a>>, String> {
        if self.data.is_empty() {
            return Ok(None);
        }
        let start = self.data;
        let key = self.varint()?;
        let (field, wire_type) = (key >> 3, key & 7);
        let value = match wire_type {
            0 => Value::Varint(self.varint()?),
            1 => {
                self.skip(8)?;
                Value::Fixed64
            }
            2 => {
                let len = self.varint()?;
                let len = usize::try_from(len)
                    .ok()
                    .filter(|&l| l <= self.data.len())
                    .ok_or_else(|| format!("field {field} is longer than the data left"))?;
                let (bytes, rest) = self.data.split_at(len);
                self.data = rest;
                Value::Bytes(bytes)
            }
            5 => {
                self.skip(4)?;
                Value::Fixed32
            }
            t => return Err(format!("unknown wire type {t} for field {field}")),
        };
        let raw = &start[..start.len() - self.data.len()];
        Ok(Some((field, value, raw)))
    }

    fn skip(&mut self, n: usize) -> Result<(), String> {
        if self.data.len() < n {
            return Err("not enough data".to_string());
        }
        self.data = &self.data[n..];
        Ok(())
    }

    fn varint(&mut self) -> Result<u64, String> {
        let (v, rest) = read_varint(self.data)?;
        self.data = rest;
        Ok(v)
    }
}

/// A base-128 varint of at most 10 bytes.
#[inline]
pub(super) fn read_varint(data: &[u8]) -> Result<(u64, &[u8]), String> {
    // Most varints in a profile are ids, small values and tags of one to three bytes; each arm
    // is reached only when the bytes before it have their continuation bit set.
    match data {
        [b0, rest @ ..] if *b0 < 0x80 => Ok((u64::from(*b0), rest)),
        [b0, b1, rest @ ..] if *b1 < 0x80 => Ok((u64::from(b0 & 0x7f) | u64::from(*b1) << 7, rest)),
        [b0, b1, b2, rest @ ..] if *b2 < 0x80 => Ok((
            u64::from(b0 & 0x7f) | u64::from(b1 & 0x7f) << 7 | u64::from(*b2) << 14,
            rest,
        )),
        _ => read_long_varint(data),
    }
}

#[cold]
fn read_long_varint(data: &[u8]) -> Result<(u64, &[u8]), String> {
    let mut value = 0u64;
    for (i, &byte) in data.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            // Like pprof, bits past the 64th of a 10-byte varint are dropped, not refused.
            return Ok((value, &data[i + 1..]));
        }
    }
    if data.len() >= 10 {
        Err("varint longer than 10 bytes".to_string())
    } else {
        Err("truncated varint".to_string())
    }
}

/// Calls `f` for each element of a repeated integer field, packed or not.
pub(super) fn for_each_varint(
    field: u64,
    value: Value,
    mut f: impl FnMut(u64),
) -> Result<(), String> {
    match value {
        Value::Varint(v) => f(v),
        Value::Bytes(mut packed) => {
            while !packed.is_empty() {
                let (v, rest) = read_varint(packed)?;
                f(v);
                packed = rest;
            }
        }
        _ => return Err(format!("type mismatch for field {field}")),
    }
    Ok(())
}

/// The value of a scalar integer field.
pub(super) fn varint_of(field: u64, value: Value) -> Result<u64, String> {
    match value {
        Value::Varint(v) => Ok(v),
        _ => Err(format!("type mismatch for field {field}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_rejects_bad_wire_data() {
        let mut r = Reader::new(&[0x08, 0x96, 0x01, 0x12, 0x02, 0x01, 0x02]);
        assert_eq!(
            r.field().unwrap().map(|(f, v, _)| (f, v)),
            Some((1, Value::Varint(150)))
        );
        let (f, v, raw) = r.field().unwrap().unwrap();
        assert_eq!((f, v), (2, Value::Bytes(&[1, 2])));
        assert_eq!(raw, &[0x12, 0x02, 0x01, 0x02]);
        assert_eq!(r.field().unwrap(), None);
        assert!(Reader::new(&[0x0b]).field().is_err(), "wire type 3");
        assert!(
            Reader::new(&[0x12, 0x05, 0x01]).field().is_err(),
            "length past the end"
        );
        assert!(
            Reader::new(&[0x08, 0xff, 0xff]).field().is_err(),
            "truncated varint"
        );
        let overlong = [
            0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ];
        assert!(Reader::new(&overlong).field().is_err(), "11-byte varint");
        let mut seen = Vec::new();
        for_each_varint(1, Value::Bytes(&[1, 0x96, 0x01]), |v| seen.push(v)).unwrap();
        assert_eq!(seen, [1, 150]);
    }
}
