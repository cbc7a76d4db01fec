//! threadz profiles (pprof's `parseThread`): `--- Thread HEX (name: NAME/TID) stack: ---`
//! blocks whose lines hold the stack's addresses, one sample per thread, and
//! `[same as previous thread]` counting the thread before once more.

use std::sync::LazyLock;

use regex::Regex;

use crate::profile::Profile;

use super::text::{Scanner, is_space_or_comment};
use super::{
    Builder, Error, Finish, Limits, failed, maps, parse_hex_addresses, read_additional_sections,
    value_type,
};

static THREADZ_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"--- threadz [0-9]+ ---").expect("a fixed regex"));
static THREAD_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"--- Thread ([[:xdigit:]]+) \(name: (.*)/([0-9]+)\) stack: ---")
        .expect("a fixed regex")
});

/// The first line that is not blank or a comment, or "" when there is none.
fn first_line(s: &mut Scanner) -> String {
    while s.scan() {
        let text = s.text();
        if !is_space_or_comment(&text) {
            return text.into_owned();
        }
    }
    String::new()
}

pub(super) fn recognizes(data: &[u8]) -> bool {
    let line = first_line(&mut Scanner::new(data));
    THREADZ_START.is_match(&line) || THREAD_START.is_match(&line)
}

pub(super) fn parse(data: &[u8], limits: &Limits) -> Result<Profile, Error> {
    let mut s = Scanner::new(data);
    let mut line = first_line(&mut s);
    if THREADZ_START.is_match(&line) {
        // Comments up to the first thread.
        while s.scan() {
            line = s.text().into_owned();
            if maps::is_memory_map_sentinel(&line) || line.starts_with('-') {
                break;
            }
        }
    } else if !THREAD_START.is_match(&line) {
        return Err(Error::Unrecognized);
    }
    let mut b = Builder::new(limits, 1);
    b.sample_types = vec![value_type("thread", "count")];
    b.period_type = value_type("thread", "count");
    b.period = 1;
    while !maps::is_memory_map_sentinel(&line) {
        if line.starts_with("---- no stack trace for") {
            break;
        }
        if !THREAD_START.is_match(&line) {
            return Err(Error::Unrecognized);
        }
        let (next, addresses) = parse_thread_sample(&mut s, limits)?;
        line = next;
        match addresses {
            None => b.bump_last_sample(),
            Some(addresses) => {
                // The leaf is where the thread is; callers hold return addresses.
                let stack = addresses
                    .iter()
                    .enumerate()
                    .map(|(i, &a)| if i > 0 { a.wrapping_sub(1) } else { a });
                b.push_sample(stack, &[1], None)?;
            }
        }
    }
    read_additional_sections(&mut s, &mut b)?;
    b.finish(Finish {
        drop_duplicate_leaf: true,
        ..Finish::default()
    })
}

/// pprof's `parseThreadSample`: the addresses on the lines up to the next `---` line (which
/// is returned, trimmed), or `None` for a thread that is the same as the previous one (or has
/// no address at all, which pprof treats alike).
fn parse_thread_sample(
    s: &mut Scanner,
    limits: &Limits,
) -> Result<(String, Option<Vec<u64>>), Error> {
    let mut line = String::new();
    let mut same_as_previous = false;
    let mut addresses = Vec::new();
    while s.scan() {
        let text = s.text();
        line = text.trim().to_string();
        if line.is_empty() {
            continue;
        }
        if line.starts_with("---") {
            break;
        }
        if line.contains("same as previous thread") {
            same_as_previous = true;
            continue;
        }
        let more = parse_hex_addresses(&line, &line, limits)?;
        addresses.extend(more);
        if addresses.len() as u64 > limits.max_stack_depth {
            return Err(super::stack_too_deep(limits));
        }
    }
    if let Some(e) = s.err() {
        return Err(failed(e));
    }
    if same_as_previous || addresses.is_empty() {
        return Ok((line, None));
    }
    Ok((line, Some(addresses)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_same_as_previous_and_the_memory_map() {
        let text = "--- threadz 1 ---\n\n\
                    --- Thread 1 (name: main/1) stack: ---\n  PC: 0x10: f\n  0x21: main\n\
                    --- Thread 2 (name: t/2) stack: ---\n  [same as previous thread]\n\
                    --- Memory map: ---\n  00000000-00001000: /bin/app\n";
        let p = parse(text.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(p.samples.len(), 1);
        assert_eq!(p.samples.values(0), [2]);
        let addresses = super::super::stack_addresses(&p, 0);
        assert_eq!(addresses, [0x10, 0x20]);
        assert_eq!(p.mappings[0].file, "/bin/app");
    }

    #[test]
    fn a_thread_list_that_just_stops_is_not_recognised() {
        // pprof needs a memory map or a `----` line after the last thread.
        let text = "--- Thread 1 (name: main/1) stack: ---\n  0x10\n";
        assert!(matches!(
            parse(text.as_bytes(), &Limits::default()),
            Err(Error::Unrecognized)
        ));
    }
}
