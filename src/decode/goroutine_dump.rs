//! Goroutine dumps: `goroutine?debug=2`, and what a panic, a fatal error or SIGQUIT prints.
//! Each goroutine becomes one sample of `goroutine/count` 1: its frames leaf first, inlined
//! frames (`F(...)` with no offset) folded into the physical frame below them, the
//! `created by` function as the root's caller, and the labels `state` (`chan receive`,
//! `select`, `IO wait`, …) and `wait_minutes` (when the header prints minutes).
//!
//! Lines outside goroutine blocks (the panic message, `SIGQUIT: quit`, `PC=…`, a
//! `runtime stack:` section, register dumps, `exit status 2`) are skipped. `runtime.goexit`,
//! printed only at traceback level 2, is dropped, as Go's protobuf writer drops it.

use crate::error::DecodeError;
use crate::profile::{Label, LocIdx, Profile};

use super::Limits;
use super::text_builder::{Builder, Frame, bad_line, lines, split_file_line};

/// How far into a file the first goroutine header is looked for: past a panic message and
/// its preamble, but not through a whole unrelated file.
const SNIFF_BYTES: usize = 64 << 10;

/// Whether `data` is a goroutine dump: text whose first goroutine header comes early, after
/// nothing but a crash preamble.
pub(super) fn sniff(data: &[u8]) -> bool {
    let head = &data[..data.len().min(SNIFF_BYTES)];
    if head.contains(&0) {
        return false;
    }
    let Ok(text) =
        std::str::from_utf8(head).or_else(|e| std::str::from_utf8(&head[..e.valid_up_to()]))
    else {
        return false;
    };
    let mut lines = text.lines().map(str::trim_end).filter(|l| !l.is_empty());
    let Some(first) = lines.next() else {
        return false;
    };
    if header(first).is_some() {
        return true;
    }
    let preamble = [
        "panic: ",
        "fatal error: ",
        "SIG",
        "unexpected fault address",
        "runtime: ",
    ];
    preamble.iter().any(|p| first.starts_with(p))
        && text.lines().any(|l| header(l.trim_end()).is_some())
}

/// A goroutine header: `goroutine ID [STATUS, notes…]:` (newer runtimes put ` gp=… m=…`
/// between the id and the bracket).
struct Header<'t> {
    state: &'t str,
    wait_minutes: Option<i64>,
}

fn header(line: &str) -> Option<Header<'_>> {
    let rest = line.strip_prefix("goroutine ")?;
    let id_end = rest.find(|c: char| !c.is_ascii_digit())?;
    if id_end == 0 {
        return None;
    }
    let open = rest.find(" [")?;
    let inner = rest[open + 2..].strip_suffix("]:")?;
    let mut notes = inner.split(", ");
    let state = notes.next()?;
    let state = state.strip_suffix(" (scan)").unwrap_or(state);
    let wait_minutes = notes.find_map(|n| n.strip_suffix(" minutes")?.parse().ok());
    Some(Header {
        state,
        wait_minutes,
    })
}

/// One goroutine while it is read.
struct Goroutine<'t> {
    line: usize,
    state: &'t str,
    wait_minutes: Option<i64>,
    /// Frames leaf first, each with whether it was printed as inlined.
    frames: Vec<(Frame<'t>, bool)>,
    creator: Option<Frame<'t>>,
    /// `goroutine running on other thread; stack unavailable`.
    unavailable: bool,
    /// An `[originating from goroutine N]:` section started: the rest of the block is ignored.
    in_ancestry: bool,
}

/// What the previous line left pending.
enum Pending<'t> {
    Nothing,
    /// A function line waiting for its `\tfile:line` line.
    Function {
        name: &'t str,
        inlined: bool,
        line: usize,
    },
    Creator {
        name: &'t str,
        line: usize,
    },
}

pub(super) fn read(data: &[u8], limits: &Limits) -> Result<Profile, DecodeError> {
    // Borrowed from `data` unless a line is not UTF-8.
    let text: Vec<(usize, std::borrow::Cow<str>)> = lines(data).collect::<Result<_, _>>()?;
    let mut b = Builder::new(limits, &[("goroutine", "count")], ("goroutine", "count"), 1);
    let mut current: Option<Goroutine> = None;
    let mut pending = Pending::Nothing;
    for (no, line) in &text {
        let (no, line) = (*no, line.trim_end_matches(' '));
        if let Some(h) = header(line) {
            close(&mut b, current.take(), &pending)?;
            pending = Pending::Nothing;
            current = Some(Goroutine {
                line: no,
                state: h.state,
                wait_minutes: h.wait_minutes,
                frames: Vec::new(),
                creator: None,
                unavailable: false,
                in_ancestry: false,
            });
            continue;
        }
        let Some(g) = current.as_mut() else {
            continue; // preamble or trailer
        };
        if line.is_empty() {
            close(&mut b, current.take(), &pending)?;
            pending = Pending::Nothing;
            continue;
        }
        if g.in_ancestry {
            continue;
        }
        if let Some(place) = line.strip_prefix('\t') {
            let place = place.trim();
            if place == "goroutine running on other thread; stack unavailable" {
                g.unavailable = true;
                continue;
            }
            let (file, line_no) = parse_place(place)
                .ok_or_else(|| bad_line(no, "expected `file:line` after a function line"))?;
            match std::mem::replace(&mut pending, Pending::Nothing) {
                Pending::Function { name, inlined, .. } => {
                    if g.frames.len() as u64 >= limits.max_stack_depth {
                        return Err(DecodeError::Limit {
                            what: "locations in one stack",
                            limit: limits.max_stack_depth,
                            flag: "--max-stack-depth",
                        });
                    }
                    g.frames.push((
                        Frame {
                            function: name,
                            file,
                            line: line_no,
                        },
                        inlined,
                    ));
                }
                Pending::Creator { name, .. } => {
                    g.creator = Some(Frame {
                        function: name,
                        file,
                        line: line_no,
                    });
                }
                Pending::Nothing => {
                    return Err(bad_line(no, "a `file:line` line without a function line"));
                }
            }
            continue;
        }
        if let Pending::Function { line, .. } | Pending::Creator { line, .. } = pending {
            return Err(bad_line(
                line,
                "a function line without its `file:line` line",
            ));
        }
        if line.starts_with("...") && line.ends_with("elided...") {
            continue;
        }
        if line.starts_with("[originating from goroutine ") {
            g.in_ancestry = true;
            continue;
        }
        if let Some(creator) = line.strip_prefix("created by ") {
            // Go 1.21+ appends ` in goroutine N`.
            let name = creator.split(" in goroutine ").next().unwrap_or(creator);
            pending = Pending::Creator { name, line: no };
            continue;
        }
        match function_line(line) {
            Some((name, inlined)) => {
                pending = Pending::Function {
                    name,
                    inlined,
                    line: no,
                }
            }
            // Not part of a goroutine (`exit status 2` right after the last frame): the block
            // ends here.
            None => close(&mut b, current.take(), &pending)?,
        }
    }
    close(&mut b, current.take(), &pending)?;
    Ok(b.finish())
}

/// `pkg.F(args)` → (`pkg.F`, inlined?); the argument list starts at the last `(`.
fn function_line(line: &str) -> Option<(&str, bool)> {
    let open = line.rfind('(')?;
    let args = line[open..].strip_suffix(')')?;
    let name = &line[..open];
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    // The runtime prints runtime.gopanic as `panic`.
    let name = if name == "panic" {
        "runtime.gopanic"
    } else {
        name
    };
    Some((name, args == "(..."))
}

/// `file:line` followed by optional ` +0x…` and ` fp=… sp=… pc=…`.
fn parse_place(place: &str) -> Option<(&str, i64)> {
    let mut end = place.len();
    for marker in [" fp=", " pc=", " +0x"] {
        if let Some(i) = place.find(marker) {
            end = end.min(i);
        }
    }
    split_file_line(place[..end].trim_end())
}

/// Ends a goroutine block: one sample.
fn close(b: &mut Builder, g: Option<Goroutine>, pending: &Pending) -> Result<(), DecodeError> {
    let Some(g) = g else {
        return Ok(());
    };
    if let Pending::Function { line, .. } | Pending::Creator { line, .. } = pending {
        return Err(bad_line(
            *line,
            format!(
                "the dump ends inside the goroutine of line {} (a function line without its `file:line` line)",
                g.line
            ),
        ));
    }
    if g.frames.is_empty() && !g.unavailable {
        return Err(bad_line(g.line, "a goroutine with no frames"));
    }
    let mut stack: Vec<LocIdx> = Vec::with_capacity(g.frames.len() + 1);
    let mut run: Vec<Frame> = Vec::new();
    for (frame, inlined) in g.frames {
        if frame.function == "runtime.goexit" {
            continue;
        }
        run.push(frame);
        if !inlined {
            stack.push(b.location(0, &run)?);
            run.clear();
        }
    }
    if !run.is_empty() {
        // Inlined frames with no physical frame under them (cut by elision): keep them as one.
        stack.push(b.location(0, &run)?);
    }
    if let Some(creator) = g.creator {
        stack.push(b.location(0, &[creator])?);
    }
    let mut labels: Vec<Label> = vec![b.str_label("state", g.state)?];
    if let Some(m) = g.wait_minutes {
        labels.push(b.num_label("wait_minutes", m, "minutes")?);
    }
    b.sample(&stack, &[1], &labels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::LabelValue;

    const DUMP: &str = "panic: boom

goroutine 1 [running]:
main.main()
\t/src/shop/main.go:31 +0x1d5

goroutine 23 [chan receive, 12 minutes]:
example.com/shop/queue.(*Worker).next(...)
\t/src/shop/queue/worker.go:44
example.com/shop/queue.(*Worker).loop(0xc0001a2000, {0x6b1e40?, 0xc00012c0f0?})
\t/src/shop/queue/worker.go:27 +0x5c
runtime.goexit()
\truntime/asm_amd64.s:1594 +0x1 fp=0xc00003afe8 sp=0xc00003afe0 pc=0x464341
created by example.com/shop/queue.Start in goroutine 1
\t/src/shop/queue/start.go:18 +0x8a

goroutine 31 [select (no cases), locked to thread]:
example.com/shop/gui.run()
\t/src/shop/gui/run.go:9 +0x1c
created by example.com/shop/gui.Start
\t/src/shop/gui/run.go:5 +0x25
exit status 2
";

    #[test]
    fn goroutines_become_samples_with_state_and_wait() {
        assert!(sniff(DUMP.as_bytes()));
        let p = read(DUMP.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(p.samples.len(), 3);
        let stack = p.samples.stack(1);
        assert_eq!(
            stack.len(),
            2,
            "inlined next folded into loop, then the creator"
        );
        let lines = &p.location(stack[0]).lines;
        assert_eq!(
            p.str(p.function(lines[0].function).name),
            "example.com/shop/queue.(*Worker).next"
        );
        assert_eq!(
            p.str(p.function(lines[1].function).name),
            "example.com/shop/queue.(*Worker).loop"
        );
        let creator = &p.location(stack[1]).lines[0];
        assert_eq!(
            p.str(p.function(creator.function).name),
            "example.com/shop/queue.Start"
        );
        let labels = p.samples.labels(1);
        assert!(matches!(labels[0].value, LabelValue::Str(s) if p.str(s) == "chan receive"));
        assert!(matches!(labels[1].value, LabelValue::Num { value: 12, .. }));
        let labels = p.samples.labels(2);
        assert!(matches!(labels[0].value, LabelValue::Str(s) if p.str(s) == "select (no cases)"));
    }

    #[test]
    fn a_cut_or_empty_goroutine_is_refused() {
        let cut = "goroutine 1 [running]:\nmain.main()\n\t/src/main.go:3 +0x1\nmain.f()\n";
        let err = read(cut.as_bytes(), &Limits::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 4: the dump ends inside the goroutine of line 1"),
            "{err}"
        );
        let empty = "goroutine 1 [running]:\n\ngoroutine 2 [select]:\nmain.f()\n\tm.go:1\n";
        let err = read(empty.as_bytes(), &Limits::default())
            .unwrap_err()
            .to_string();
        assert!(err.ends_with("line 1: a goroutine with no frames"), "{err}");
    }

    #[test]
    fn other_texts_are_not_dumps() {
        assert!(!sniff(b"heap profile: 1: 2 [3: 4] @ heap/1048576\n"));
        assert!(!sniff(b"hello\ngoroutine 1 [running]:\n"));
        assert!(sniff(b"SIGQUIT: quit\nPC=0x402f4e m=0 sigcode=0\n\ngoroutine 1 [running]:\nmain.main()\n\tm.go:1\n"));
    }
}
