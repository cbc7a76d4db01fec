//! Go count profiles in text, `<name> profile: total N` (goroutine, threadcreate and custom
//! profiles at `debug=1`), read as pprof's `parseGoCount` reads them: one sample per
//! `count @ addresses` record, comment lines (Go's frame names among them) skipped.

use std::sync::LazyLock;

use regex::Regex;

use crate::profile::Profile;

use super::text::{Scanner, is_space_or_comment, parse_int, parse_uint};
use super::{
    Builder, Error, Finish, Limits, failed, malformed, read_additional_sections, value_type,
};

static COUNT_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\A([^\t\n\f\r ]+) profile: total [0-9]+\z").expect("a fixed regex")
});
static COUNT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\A([0-9]+) @(( 0x[0-9a-f]+)+)\z").expect("a fixed regex"));

/// Skips leading blank and comment lines, as pprof does; false when the data runs out.
fn skip_leading_comments(s: &mut Scanner) -> bool {
    while s.scan() {
        if !is_space_or_comment(&s.text()) {
            return true;
        }
    }
    false
}

pub(super) fn recognizes(data: &[u8]) -> bool {
    let mut s = Scanner::new(data);
    skip_leading_comments(&mut s) && COUNT_START.is_match(&s.text())
}

pub(super) fn parse(data: &[u8], limits: &Limits) -> Result<Profile, Error> {
    let mut s = Scanner::new(data);
    skip_leading_comments(&mut s);
    if let Some(e) = s.err() {
        return Err(failed(e));
    }
    let first = s.text();
    let Some(c) = COUNT_START.captures(&first) else {
        return Err(Error::Unrecognized);
    };
    let profile_type = c[1].to_string();
    let mut b = Builder::new(limits, 1);
    b.period_type = value_type(&profile_type, "count");
    b.period = 1;
    b.sample_types = vec![value_type(&profile_type, "count")];
    while s.scan() {
        let line = s.text();
        if is_space_or_comment(&line) {
            continue;
        }
        if line.starts_with("---") {
            break;
        }
        // A record with no address at all (Go writes `5 @` for threads started without a
        // creation stack) is malformed to pprof, which refuses the whole file; so do we.
        let c = COUNT.captures(&line).ok_or_else(malformed)?;
        let n = parse_int(&c[1], 0).map_err(|_| malformed())?;
        let addresses = c[2]
            .split_ascii_whitespace()
            .map(|a| parse_uint(a, 0).map(|a| a.wrapping_sub(1)))
            .collect::<Result<Vec<u64>, _>>()
            .map_err(|_| malformed())?;
        b.push_sample(addresses, &[n], None)?;
    }
    if let Some(e) = s.err() {
        return Err(failed(e));
    }
    read_additional_sections(&mut s, &mut b)?;
    b.finish(Finish::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_goroutine_text_after_leading_comments() {
        let text = "# a comment\n\ngoroutine profile: total 7\n5 @ 0x43a2f6 0x4061bb\n\
                    #\t0x4061ba\tmain.f+0x1\t/src/main.go:3\n\n2 @ 0x43a2f6\n";
        let p = parse(text.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(p.sample_types[0].ty, "goroutine");
        assert_eq!(p.samples.len(), 2);
        assert_eq!(p.samples.values(1), [2]);
        assert_eq!(p.location(p.samples.stack(0)[1]).address, 0x4061ba);
    }

    #[test]
    fn a_record_without_addresses_is_malformed() {
        let text = "threadcreate profile: total 1\n1 @\n";
        match parse(text.as_bytes(), &Limits::default()) {
            Err(Error::Failed(e)) => {
                assert_eq!(e.to_string(), "parsing profile: malformed profile format")
            }
            _ => panic!("accepted"),
        }
    }
}
