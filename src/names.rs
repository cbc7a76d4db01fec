//! Function names as `go tool pprof` shows them by default: its demangling step, which leaves
//! names that differ from their system name alone, gives empty names their system name, and
//! strips parameter lists and template arguments from names that look like demangled C++
//! (which catches Rust and Go-generic names too). `--raw-names` skips this step, as
//! `-symbolize=none` does.
//!
//! Still-mangled names (`_Z…`, `_R…`) are shown as stored: pprof would run a full C++/Rust
//! demangler on them, which this crate does not carry.

use crate::profile::Profile;

/// Applies pprof's default name simplification to every function of `profile`.
pub fn simplify(profile: &mut Profile) {
    for i in 0..profile.functions.len() {
        let f = profile.functions[i];
        let name = profile.str(f.name);
        let system_name = profile.str(f.system_name);
        if !name.is_empty() && name != system_name {
            continue;
        }
        let simplified = simplify_name(system_name);
        if simplified != name {
            let id = profile.add_string(simplified);
            profile.functions[i].name = id;
        }
    }
}

/// pprof's heuristic for a name that may already be demangled C++: drop `(…)` and `<…>`.
fn simplify_name(name: &str) -> String {
    if looks_like_demangled_cplusplus(name) {
        let no_params = remove_matching(name, b'(', b')');
        remove_matching(&no_params, b'<', b'>')
    } else {
        name.to_string()
    }
}

fn looks_like_demangled_cplusplus(name: &str) -> bool {
    // Java's "class.<init>" and Go's "pkg.(*T[...]).Method" are left alone.
    if name.contains(".<") || name.contains("]).") {
        return false;
    }
    name.contains(['<', '>', '[', ']']) || name.contains("::")
}

/// Removes every outermost `start … end` group; an unbalanced `end` leaves the name unchanged.
fn remove_matching(name: &str, start: u8, end: u8) -> String {
    let mut out: Vec<u8> = name.as_bytes().to_vec();
    let mut nesting = 0i32;
    let mut first = 0usize;
    let mut current = 0usize;
    while current < out.len() {
        let byte = out[current];
        if byte == start {
            nesting += 1;
            if nesting == 1 {
                first = current;
            }
        } else if byte == end {
            nesting -= 1;
            if nesting < 0 {
                return name.to_string();
            }
            if nesting == 0 {
                out.drain(first..=current);
                current = first;
                continue;
            }
        }
        current += 1;
    }
    // Only ASCII bytes were removed, so the rest is still UTF-8.
    String::from_utf8(out).expect("removing ASCII brackets keeps UTF-8 valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplifies_like_pprofs_heuristic() {
        assert_eq!(
            simplify_name(
                "<pprof::backtrace::backtrace_rs::Trace as pprof::backtrace::Trace>::trace"
            ),
            "::trace"
        );
        assert_eq!(
            simplify_name(
                "<alloc::boxed::Box<F,A> as core::ops::function::FnOnce<Args>>::call_once"
            ),
            "::call_once"
        );
        assert_eq!(
            simplify_name("std::vector<int>::push_back(int const&)"),
            "std::vector::push_back"
        );
        assert_eq!(simplify_name("main.main"), "main.main");
        assert_eq!(
            simplify_name("java.lang.Object.<init>"),
            "java.lang.Object.<init>"
        );
        assert_eq!(
            simplify_name("xsync.(*Map[go.shape.uint64,go.shape.int]).Load"),
            "xsync.(*Map[go.shape.uint64,go.shape.int]).Load"
        );
        assert_eq!(
            simplify_name("slices.Sort[go.shape.int]"),
            "slices.Sort[go.shape.int]"
        );
        assert_eq!(simplify_name("a::b)c(d)"), "a::b)c(d)");
    }
}
