//! The profile's own `drop_frames` / `keep_frames` regexes (pprof's `RemoveUninteresting` and
//! `Prune`): a frame whose simplified name fully matches drop_frames (and not keep_frames) is
//! removed from every sample together with everything it called, once a frame of user code has
//! been seen closer to the root.

use regex::Regex;

use crate::profile::{LocIdx, Profile};

/// Applies the profile's drop_frames / keep_frames. A regex that does not compile is ignored,
/// as pprof ignores it.
pub fn remove_uninteresting(profile: &Profile) -> Option<Profile> {
    if profile.drop_frames.is_empty() {
        return None;
    }
    let (drop, keep) = compiled(&profile.drop_frames, &profile.keep_frames)?;
    Some(prune(profile, &drop, keep.as_ref()))
}

/// The two regexes, compiled once per pair: pprof's legacy profiles all carry the same long
/// allocator and lock lists, whose compilation would otherwise cost more than the rest of a
/// small profile's report.
fn compiled(drop: &str, keep: &str) -> Option<(Regex, Option<Regex>)> {
    type Compiled = (String, String, Regex, Option<Regex>);
    static LAST: std::sync::Mutex<Option<Compiled>> = std::sync::Mutex::new(None);
    let mut last = LAST
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((d, k, drop_rx, keep_rx)) = last.as_ref()
        && d == drop
        && k == keep
    {
        return Some((drop_rx.clone(), keep_rx.clone()));
    }
    let drop_rx = Regex::new(&format!("^(?:{drop})$")).ok()?;
    let keep_rx = if keep.is_empty() {
        None
    } else {
        Some(Regex::new(&format!("^(?:{keep})$")).ok()?)
    };
    *last = Some((
        drop.to_string(),
        keep.to_string(),
        drop_rx.clone(),
        keep_rx.clone(),
    ));
    Some((drop_rx, keep_rx))
}

fn prune(profile: &Profile, drop: &Regex, keep: Option<&Regex>) -> Profile {
    let mut out = profile.clone();
    let n_locations = out.locations.len();
    let mut pruned = vec![false; n_locations];
    let mut prune_beneath = vec![false; n_locations];
    for (idx, loc) in out.locations.iter_mut().enumerate() {
        // Scan from the outermost line inwards for the first line to drop.
        let matched = loc.lines.iter().rposition(|line| {
            let name = profile.str(profile.function(line.function).name);
            if name.is_empty() {
                return false;
            }
            let name = simplify_func(name);
            drop.is_match(name) && !keep.is_some_and(|k| k.is_match(name))
        });
        if let Some(i) = matched {
            prune_beneath[idx] = true;
            if i == loc.lines.len() - 1 {
                pruned[idx] = true;
            } else {
                loc.lines.drain(..=i);
            }
        }
    }

    let old = &profile.samples;
    let mut samples = old.empty_like(old.len());
    for s in 0..old.len() {
        let stack = old.stack(s);
        let cut = prune_point(stack, &pruned, &prune_beneath);
        samples.push(&stack[cut..], old.values(s), old.labels(s));
    }
    out.samples = samples;
    out
}

/// Where sample `stack` (leaf first) starts after pruning: walking from the root, frames are
/// cut only after a frame that is not pruned has been seen.
fn prune_point(stack: &[LocIdx], pruned: &[bool], prune_beneath: &[bool]) -> usize {
    let mut found_user = false;
    for i in (0..stack.len()).rev() {
        let loc = stack[i].0 as usize;
        if !pruned[loc] && !prune_beneath[loc] {
            found_user = true;
            continue;
        }
        if !found_user {
            continue;
        }
        if pruned[loc] {
            return i + 1;
        }
        return i;
    }
    0
}

/// pprof's `simplifyFunc`: drops one leading `.` and cuts the name at the first `(` that does
/// not begin `(anonymous namespace)` or `operator()`.
pub fn simplify_func(name: &str) -> &str {
    const RESERVED: [&str; 2] = ["(anonymous namespace)", "operator()"];
    let name = name.strip_prefix('.').unwrap_or(name);
    let bytes = name.as_bytes();
    let mut i = 0;
    'scan: while i < bytes.len() {
        for reserved in RESERVED {
            if bytes[i..].starts_with(reserved.as_bytes()) {
                i += reserved.len();
                continue 'scan;
            }
        }
        if bytes[i] == b'(' {
            return &name[..i];
        }
        i += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplify_func_keeps_reserved_parentheses() {
        assert_eq!(simplify_func(".foo(int)"), "foo");
        assert_eq!(
            simplify_func("ns::(anonymous namespace)::f(int)"),
            "ns::(anonymous namespace)::f"
        );
        assert_eq!(simplify_func("Foo::operator()(int)"), "Foo::operator()");
        assert_eq!(simplify_func("main.main"), "main.main");
    }
}
