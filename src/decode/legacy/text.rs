//! What pprof's legacy text parsers lean on from Go's standard library, reproduced where the
//! difference shows: `bufio.Scanner`'s lines (and its 64 KiB line limit), `strings.TrimSpace`,
//! and `strconv`'s integer parsing with its error texts.

use std::borrow::Cow;

/// `bufio.MaxScanTokenSize`: a line (without its newline) of this many bytes or more stops
/// Go's scanner with `bufio.Scanner: token too long`, and every pprof text parser returns that
/// error. It is also what bounds the memory one line of a text profile can cost.
pub(super) const MAX_LINE: usize = 64 << 10;

/// The error text of a line that is too long, as Go words it.
pub(super) const TOO_LONG: &str = "bufio.Scanner: token too long";

/// Go's `bufio.Scanner` with `ScanLines`: lines split at `\n`, one trailing `\r` removed, a
/// last line without newline still a line, and no line once the data is used up. After the end
/// (or an error) `text` is empty, as Go's `Text()` is, except that a too-long line keeps the
/// previous line as Go does.
pub(super) struct Scanner<'a> {
    data: &'a [u8],
    pos: usize,
    token: &'a [u8],
    too_long: bool,
}

impl<'a> Scanner<'a> {
    pub(super) fn new(data: &'a [u8]) -> Scanner<'a> {
        Scanner {
            data,
            pos: 0,
            token: &[],
            too_long: false,
        }
    }

    /// Advances to the next line; false at the end or on a line that is too long.
    pub(super) fn scan(&mut self) -> bool {
        if self.too_long {
            return false;
        }
        let rest = &self.data[self.pos..];
        if rest.is_empty() {
            self.token = &[];
            return false;
        }
        // Look no further than a line may reach, so that binary data without newlines costs
        // 64 KiB here, not its whole size.
        let window = &rest[..rest.len().min(MAX_LINE)];
        let (line, used) = match window.iter().position(|&b| b == b'\n') {
            Some(nl) => (&rest[..nl], nl + 1),
            None => (window, window.len()),
        };
        if line.len() >= MAX_LINE {
            self.too_long = true;
            return false;
        }
        self.pos += used;
        self.token = line.strip_suffix(b"\r").unwrap_or(line);
        true
    }

    /// The current line, with invalid UTF-8 shown as U+FFFD.
    pub(super) fn text(&self) -> Cow<'a, str> {
        String::from_utf8_lossy(self.token)
    }

    /// Go's `Err()`: the one error a scan over bytes can meet.
    pub(super) fn err(&self) -> Option<&'static str> {
        self.too_long.then_some(TOO_LONG)
    }
}

/// pprof's `isSpaceOrComment`.
pub(super) fn is_space_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// `strconv.ParseInt`'s and `ParseUint`'s failures, worded as Go words them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct NumError {
    func: &'static str,
    num: String,
    range: bool,
}

impl std::fmt::Display for NumError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "strconv.{}: parsing {}: {}",
            self.func,
            go_quote(&self.num),
            if self.range {
                "value out of range"
            } else {
                "invalid syntax"
            }
        )
    }
}

/// Go's `strconv.ParseUint(s, base, 64)`; base 0 reads a `0x`, `0o`, `0b` or `0` prefix and
/// allows underscores between digits.
pub(super) fn parse_uint(s: &str, base: u32) -> Result<u64, NumError> {
    parse_uint_named(s, base, "ParseUint")
}

fn parse_uint_named(s0: &str, base: u32, func: &'static str) -> Result<u64, NumError> {
    let error = |range| NumError {
        func,
        num: s0.to_string(),
        range,
    };
    if s0.is_empty() {
        return Err(error(false));
    }
    let bytes = s0.as_bytes();
    let base0 = base == 0;
    let (base, digits) = if base0 {
        match (bytes[0], bytes.get(1).map(u8::to_ascii_lowercase)) {
            (b'0', Some(b'b')) if bytes.len() >= 3 => (2, &bytes[2..]),
            (b'0', Some(b'o')) if bytes.len() >= 3 => (8, &bytes[2..]),
            (b'0', Some(b'x')) if bytes.len() >= 3 => (16, &bytes[2..]),
            (b'0', _) => (8, &bytes[1..]),
            _ => (10, bytes),
        }
    } else {
        (base, bytes)
    };
    let mut underscores = false;
    let mut n: u64 = 0;
    for &c in digits {
        let lower = c.to_ascii_lowercase();
        let d = match c {
            b'_' if base0 => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => u32::from(c - b'0'),
            _ if lower.is_ascii_lowercase() => u32::from(lower - b'a') + 10,
            _ => return Err(error(false)),
        };
        if d >= base {
            return Err(error(false));
        }
        n = n
            .checked_mul(u64::from(base))
            .and_then(|n| n.checked_add(u64::from(d)))
            .ok_or_else(|| error(true))?;
    }
    if underscores && !underscore_ok(s0) {
        return Err(error(false));
    }
    Ok(n)
}

/// Go's `strconv.ParseInt(s, base, 64)`.
pub(super) fn parse_int(s0: &str, base: u32) -> Result<i64, NumError> {
    let error = |range| NumError {
        func: "ParseInt",
        num: s0.to_string(),
        range,
    };
    let (neg, s) = match s0.as_bytes().first() {
        None => return Err(error(false)),
        Some(b'+') => (false, &s0[1..]),
        Some(b'-') => (true, &s0[1..]),
        _ => (false, s0),
    };
    let un = match parse_uint_named(s, base, "ParseInt") {
        Ok(n) => n,
        Err(e) if e.range => u64::MAX,
        Err(_) => return Err(error(false)),
    };
    const CUTOFF: u64 = 1 << 63;
    match (neg, un) {
        (false, n) if n >= CUTOFF => Err(error(true)),
        (true, n) if n > CUTOFF => Err(error(true)),
        (false, n) => Ok(n as i64),
        (true, n) => Ok((n as i64).wrapping_neg()),
    }
}

/// Go's `underscoreOK`: underscores only between digits or after a base prefix.
fn underscore_ok(s: &str) -> bool {
    let mut s = s.as_bytes();
    if let Some(b'-' | b'+') = s.first() {
        s = &s[1..];
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1].eq_ignore_ascii_case(&b'x');
    }
    for &c in &s[i..] {
        if c.is_ascii_digit() || hex && (b'a'..=b'f').contains(&c.to_ascii_lowercase()) {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

/// Go's `strconv.Quote` for the strings that reach error messages.
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(data: &[u8]) -> Vec<String> {
        let mut s = Scanner::new(data);
        let mut out = Vec::new();
        while s.scan() {
            out.push(s.text().into_owned());
        }
        out
    }

    #[test]
    fn scanner_splits_like_go() {
        assert_eq!(lines(b""), Vec::<String>::new());
        assert_eq!(lines(b"a\n"), ["a"]);
        assert_eq!(lines(b"a\r\nb"), ["a", "b"]);
        assert_eq!(lines(b"a\n\n"), ["a", ""]);
        let long = vec![b'x'; MAX_LINE];
        let mut s = Scanner::new(&long);
        assert!(!s.scan());
        assert_eq!(s.err(), Some(TOO_LONG));
        let fits = [vec![b'x'; MAX_LINE - 1], b"\n".to_vec()].concat();
        assert_eq!(lines(&fits).len(), 1);
    }

    #[test]
    fn numbers_parse_like_strconv() {
        assert_eq!(parse_int("-12", 10), Ok(-12));
        assert_eq!(parse_int("9223372036854775807", 10), Ok(i64::MAX));
        assert_eq!(parse_int("-9223372036854775808", 10), Ok(i64::MIN));
        assert_eq!(
            parse_int("9223372036854775808", 10)
                .unwrap_err()
                .to_string(),
            "strconv.ParseInt: parsing \"9223372036854775808\": value out of range"
        );
        assert_eq!(parse_int("010", 0), Ok(8));
        assert_eq!(parse_int("0x1_0", 0), Ok(16));
        assert!(parse_int("08", 0).is_err());
        assert!(parse_int("1__0", 0).is_err());
        assert!(parse_int("1_0", 10).is_err());
        assert_eq!(parse_uint("0xffffffffffffffff", 0), Ok(u64::MAX));
        assert_eq!(
            parse_uint("0x10000000000000000", 0)
                .unwrap_err()
                .to_string(),
            "strconv.ParseUint: parsing \"0x10000000000000000\": value out of range"
        );
        assert_eq!(parse_uint("ff", 16), Ok(255));
        assert!(parse_uint("", 16).is_err());
    }
}
