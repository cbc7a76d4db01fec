//! The `profdiff` command: reads files and URLs, calls the library, prints (or opens the
//! page). Errors are one line, `profdiff: SOURCE: problem`, with exit status 1; a closed pipe
//! (`profdiff top … | head`) is not an error.

mod args;
mod fetch;
mod inputs;
mod page;
mod source;
mod web;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use args::{
    Cli, Command, DiffArgs, FlameArgs, InfoArgs, InputArgs, MemStatsArgs, PathsArgs, PeekArgs,
    SidesArgs, TopArgs, TrendArgs,
};
use inputs::{Loaded, ReadOptions, io_reason};
use profdiff::{Profile, compare, flame, gate, memstats, report, summary, top, trend};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Message(message)) => {
            eprintln!("profdiff: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Gate) => ExitCode::from(3),
    }
}

/// Why a command failed, already worded for the user.
enum Failure {
    Message(String),
    BrokenPipe,
    /// A --fail-if condition held (already reported).
    Gate,
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Message(format!("writing output: {e}"))
        }
    }
}

fn run(cli: &Cli) -> Result<(), Failure> {
    match &cli.command {
        Command::Top(a) => run_top(a),
        Command::Diff(a) => run_diff(a),
        Command::Paths(a) => run_paths(a),
        Command::Peek(a) => run_peek(a),
        Command::Trend(a) => run_trend(a),
        Command::Info(a) => run_info(a),
        Command::Flame(a) => run_flame(a),
        Command::Memstats(a) => run_memstats(a),
        Command::Web(a) => web::run_web(a),
        Command::Html(a) => web::run_html(a),
    }
}

fn run_top(a: &TopArgs) -> Result<(), Failure> {
    if a.web.web {
        return web::run_top(a);
    }
    let (profiles, base) = load_top(a)?;
    let base = base_of(a, base)?;
    let prepared = top::prepare_with_base(profiles, base, a.table.raw_names)
        .map_err(|e| Failure::Message(e.to_string()))?;
    let table = top::top(&prepared, &top::Options::from(&a.table))
        .map_err(|e| Failure::Message(e.to_string()))?;
    print_warnings(&table.warnings);
    write_stdout(&report::top(&table, a.format))
}

/// The sources and the base profiles of `top`, fetched and decoded together.
fn load_top(a: &TopArgs) -> Result<(Vec<Profile>, Vec<Profile>), Failure> {
    let base = if a.diff_base.is_empty() {
        &a.base
    } else {
        &a.diff_base
    };
    let all: Vec<&Path> = a.files.iter().chain(base).map(PathBuf::as_path).collect();
    let mut loaded = load_all(&all, &a.input)?;
    let base = loaded.split_off(a.files.len());
    Ok((profiles_of(loaded), profiles_of(base)))
}

fn profiles_of(loaded: Vec<Loaded>) -> Vec<Profile> {
    loaded.into_iter().map(|l| l.profile).collect()
}

/// Reads, fetches and decodes `sources` (see inputs.rs).
fn load_all(sources: &[&Path], input: &InputArgs) -> Result<Vec<Loaded>, Failure> {
    inputs::load_all(sources, read_options(input)).map_err(Failure::Message)
}

fn read_options(input: &InputArgs) -> ReadOptions {
    ReadOptions {
        limits: input.into(),
        timing: source::FetchTiming {
            seconds: input.seconds,
            timeout: input.timeout,
        },
        go_text: input.go_text(),
    }
}

fn print_warnings(warnings: &[String]) {
    for w in warnings {
        eprintln!("{w}");
    }
}

/// A comparison's two sides, loaded and prepared, with their file names.
struct Sides {
    a: Profile,
    b: Profile,
    a_files: Vec<String>,
    b_files: Vec<String>,
}

/// The sources of each side: A then B, or -a… and -b….
fn side_paths(s: &SidesArgs) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Failure> {
    match (s.a.is_empty() && s.b.is_empty(), s.files.as_slice()) {
        (true, [a, b]) => Ok((vec![a.clone()], vec![b.clone()])),
        (true, _) => Err(Failure::Message(
            "give two profiles, A then B, or -a A... -b B...".to_string(),
        )),
        (false, []) if !s.a.is_empty() && !s.b.is_empty() => Ok((s.a.clone(), s.b.clone())),
        (false, _) => Err(Failure::Message(
            "with -a/-b give both sides and no other files".to_string(),
        )),
    }
}

/// Both sides' sources, read and fetched at once (both sides of a diff fetch concurrently).
fn load_side_sources(
    a_paths: &[PathBuf],
    b_paths: &[PathBuf],
    input: &InputArgs,
) -> Result<(Vec<Loaded>, Vec<Loaded>), Failure> {
    let all: Vec<&Path> = a_paths
        .iter()
        .chain(b_paths)
        .map(PathBuf::as_path)
        .collect();
    let mut a = load_all(&all, input)?;
    let b = a.split_off(a_paths.len());
    Ok((a, b))
}

fn load_sides(s: &SidesArgs, raw_names: bool, input: &InputArgs) -> Result<Sides, Failure> {
    let (a_paths, b_paths) = side_paths(s)?;
    let (a_loaded, b_loaded) = load_side_sources(&a_paths, &b_paths, input)?;
    prepare_sides(a_loaded, b_loaded, raw_names)
}

fn prepare_sides(a: Vec<Loaded>, b: Vec<Loaded>, raw_names: bool) -> Result<Sides, Failure> {
    let names = |loaded: &[Loaded]| loaded.iter().map(|l| l.name.clone()).collect();
    let (a_files, b_files) = (names(&a), names(&b));
    let side = |loaded: Vec<Loaded>, tag: &str| -> Result<Profile, Failure> {
        top::prepare(profiles_of(loaded), raw_names)
            .map_err(|e| Failure::Message(format!("{tag}: {e}")))
    };
    // The two sides are prepared (merged, names simplified) on two threads.
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(|| side(a, "A"));
        let b = side(b, "B");
        (a.join(), b)
    });
    let a = a.map_err(|_| Failure::Message("A: preparing thread failed".to_string()))?;
    Ok(Sides {
        a: a?,
        b: b?,
        a_files,
        b_files,
    })
}

fn run_diff(a: &DiffArgs) -> Result<(), Failure> {
    if a.web.web {
        return web::run_diff(a);
    }
    let conditions = fail_if_conditions(a.fail_if.as_deref())?;
    let (a_paths, b_paths) = side_paths(&a.sides)?;
    let (a_loaded, b_loaded) = load_side_sources(&a_paths, &b_paths, &a.input)?;
    // --output writes the profiles as decoded, before preparing changes them.
    let raw = a.output.as_ref().map(|_| {
        let copy = |l: &[Loaded]| l.iter().map(|l| l.profile.clone()).collect::<Vec<_>>();
        (copy(&a_loaded), copy(&b_loaded))
    });
    let sides = prepare_sides(a_loaded, b_loaded, a.table.raw_names)?;
    let opts = compare::Options {
        top: top::Options::from(&a.table),
        normalize: a.sides.normalize,
        sort: compare::SortBy::from(&a.table),
    };
    let cmp =
        compare::compare(&sides.a, &sides.b, &opts).map_err(|e| Failure::Message(e.to_string()))?;
    print_warnings(&cmp.warnings);
    write_stdout(&report::diff(
        &cmp,
        &sides.a_files,
        &sides.b_files,
        a.format,
    ))?;
    if let (Some(path), Some((base, new))) = (&a.output, raw) {
        write_diff_profile(path, base, new, a.sides.normalize)?;
    }
    if let Some(conditions) = conditions {
        // Every node counts for the gate, not only the rows shown.
        let mut all = opts.clone();
        all.top.graph.node_fraction = 0.0;
        all.top.graph.node_count = 0;
        let full = compare::compare(&sides.a, &sides.b, &all)
            .map_err(|e| Failure::Message(e.to_string()))?;
        return check_gate(&conditions, &full);
    }
    Ok(())
}

/// Exit status 3, with one stderr line per condition that held.
fn check_gate(
    conditions: &[gate::Condition],
    observed: &impl gate::Observed,
) -> Result<(), Failure> {
    let trips =
        gate::evaluate(conditions, observed).map_err(|e| Failure::Message(e.to_string()))?;
    if trips.is_empty() {
        return Ok(());
    }
    for t in &trips {
        eprintln!(
            "profdiff: --fail-if tripped: {}: {}",
            t.condition, t.observed
        );
    }
    Err(Failure::Gate)
}

/// The conditions of `--fail-if`, if given.
fn fail_if_conditions(expr: Option<&str>) -> Result<Option<Vec<gate::Condition>>, Failure> {
    expr.map(gate::parse)
        .transpose()
        .map_err(|e| Failure::Message(e.to_string()))
}

fn run_trend(a: &TrendArgs) -> Result<(), Failure> {
    let conditions = fail_if_conditions(a.fail_if.as_deref())?;
    let sources: Vec<&Path> = a.files.iter().map(PathBuf::as_path).collect();
    let loaded = load_all(&sources, &a.input)?;
    let names: Vec<String> = loaded.iter().map(|l| l.name.clone()).collect();
    // Every snapshot is prepared on its own: a series is never merged.
    let profiles = loaded
        .into_iter()
        .map(|l| {
            top::prepare(vec![l.profile], a.table.raw_names)
                .map_err(|e| Failure::Message(format!("{}: {e}", l.name)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let snapshots: Vec<(&str, &Profile)> =
        names.iter().map(String::as_str).zip(&profiles).collect();
    let opts = trend::Options {
        top: top::Options::from(&a.table),
        normalize: a.normalize,
        sort: compare::SortBy::from(&a.table),
        order: a.order,
        noise_floor: a.noise_floor,
    };
    let series =
        trend::aggregate_series(&snapshots, &opts).map_err(|e| Failure::Message(e.to_string()))?;
    let t = series.report(&opts);
    print_warnings(&t.warnings);
    write_stdout(&report::trend(&t, a.format))?;
    if let Some(conditions) = conditions {
        // Every node counts for the gate, not only the rows shown.
        let mut all = opts.clone();
        all.top.graph.node_fraction = 0.0;
        all.top.graph.node_count = 0;
        return check_gate(&conditions, &series.report(&all));
    }
    Ok(())
}

/// Writes pprof's -diff_base profile of the two sides (before name simplification, which
/// pprof applies when it reads the file).
fn write_diff_profile(
    path: &Path,
    base: Vec<Profile>,
    new: Vec<Profile>,
    normalize: bool,
) -> Result<(), Failure> {
    let base = top::Base {
        profiles: base,
        mode: top::BaseMode::Compare,
        normalize,
    };
    let merged = top::combine(new, Some(base)).map_err(|e| Failure::Message(e.to_string()))?;
    std::fs::write(path, profdiff::encode::encode_gzip(&merged)).map_err(|e| {
        Failure::Message(format!(
            "{}: cannot write: {}",
            path.display(),
            io_reason(&e)
        ))
    })
}

fn run_peek(a: &PeekArgs) -> Result<(), Failure> {
    let opts = compare::Options {
        top: top::Options::from(&a.table),
        normalize: a.sides.normalize,
        sort: compare::SortBy::from(&a.table),
    };
    // One file: a plain peek of that profile, shown as A.
    let p = if a.sides.a.is_empty() && a.sides.b.is_empty() && a.sides.files.len() == 1 {
        let one = load_all(&[a.sides.files[0].as_path()], &a.input)?;
        let one = top::prepare(profiles_of(one), a.table.raw_names)
            .map_err(|e| Failure::Message(e.to_string()))?;
        compare::peek(Some(&one), None, &a.name, &opts)
    } else {
        let sides = load_sides(&a.sides, a.table.raw_names, &a.input)?;
        compare::peek(Some(&sides.a), Some(&sides.b), &a.name, &opts)
    }
    .map_err(|e| Failure::Message(e.to_string()))?;
    write_stdout(&report::peek(&p, a.format))
}

fn run_paths(a: &PathsArgs) -> Result<(), Failure> {
    if a.web.web {
        return web::run_paths(a);
    }
    let sides = load_sides(&a.sides, a.table.raw_names, &a.input)?;
    let opts = compare::PathOptions {
        top: top::Options::from(&a.table),
        normalize: a.sides.normalize,
        top_n: a.top_n,
    };
    let p =
        compare::paths(&sides.a, &sides.b, &opts).map_err(|e| Failure::Message(e.to_string()))?;
    print_warnings(&p.warnings);
    write_stdout(&report::paths(&p, &sides.a_files, &sides.b_files, a.format))
}

fn run_flame(a: &FlameArgs) -> Result<(), Failure> {
    if a.web.web {
        return web::run_flame(a);
    }
    let s = &a.sides;
    let one_side = (s.b.is_empty() && s.a.is_empty() && s.files.len() == 1)
        || (s.b.is_empty() && !s.a.is_empty() && s.files.is_empty());
    let opts = flame::Options {
        top: top::Options::from(&a.table),
        normalize: s.normalize,
        inverted: a.inverted,
    };
    let (f, labels) = if one_side {
        let paths = if s.a.is_empty() { &s.files } else { &s.a };
        let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
        let one = top::prepare(profiles_of(load_all(&refs, &a.input)?), a.table.raw_names)
            .map_err(|e| Failure::Message(e.to_string()))?;
        let f = flame::build(&one, None, &opts).map_err(|e| Failure::Message(e.to_string()))?;
        (f, [names_of(paths), String::new()])
    } else {
        let sides = load_sides(s, a.table.raw_names, &a.input)?;
        let f = flame::build(&sides.a, Some(&sides.b), &opts)
            .map_err(|e| Failure::Message(e.to_string()))?;
        (f, [sides.a_files.join(","), sides.b_files.join(",")])
    };
    print_warnings(&f.warnings);
    let req = flame::ViewRequest {
        base: a.base.clone(),
        min_fraction: a.min_width / 100.0,
        inverted: a.inverted,
        ..flame::ViewRequest::default()
    };
    let text = if a.format == "svg" {
        let title = if f.sides() == 2 {
            format!("{} → {}: {}", labels[0], labels[1], f.sample_type)
        } else {
            format!("{}: {}", labels[0], f.sample_type)
        };
        report::flame::svg(&f, &req, a.icicle, &title)
    } else {
        report::flame::render(&f, &req, &labels, &a.format).map_err(Failure::Message)?
    };
    write_stdout(&text)
}

fn names_of(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// The `--base` / `--diff-base` profiles with the mode they ask for.
fn base_of(a: &TopArgs, profiles: Vec<Profile>) -> Result<Option<top::Base>, Failure> {
    let mode = if !a.diff_base.is_empty() {
        top::BaseMode::Compare
    } else {
        top::BaseMode::Subtract
    };
    if profiles.is_empty() {
        if a.normalize {
            return Err(Failure::Message(
                top::PrepareError::NormalizeWithoutBase.to_string(),
            ));
        }
        return Ok(None);
    }
    Ok(Some(top::Base {
        profiles,
        mode,
        normalize: a.normalize,
    }))
}

fn run_info(a: &InfoArgs) -> Result<(), Failure> {
    let mut loaded = load_all(&[a.file.as_path()], &a.input)?;
    let one = loaded.pop().expect("one source gives one profile");
    let s = summary::Summary::of(&one.profile);
    write_stdout(&report::text::summary(&one.name, &s))
}

fn run_memstats(a: &MemStatsArgs) -> Result<(), Failure> {
    if a.web.web {
        return web::run_memstats(a);
    }
    let mut loaded = load_all(&[a.a.as_path(), a.b.as_path()], &a.input)?;
    let b = loaded.pop().expect("two sources give two profiles");
    let a_side = loaded.pop().expect("two sources give two profiles");
    for (tag, side) in [("A", &a_side), ("B", &b)] {
        if side.profile.memstats.is_none() {
            return Err(Failure::Message(format!(
                "{tag}: {}: no runtime.MemStats (Go prints them at the end of the heap profile at debug=1)",
                side.name
            )));
        }
    }
    let c = memstats::Comparison::of(Some(&a_side.profile), Some(&b.profile));
    write_stdout(&report::memstats(
        &c,
        std::slice::from_ref(&a_side.name),
        std::slice::from_ref(&b.name),
        a.format,
    ))
}

fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
