//! The `profdiff` command: reads files, calls the library, prints. Errors are one line,
//! `profdiff: FILE: problem`, with exit status 1; a closed pipe (`profdiff top … | head`) is
//! not an error.

mod args;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use args::{
    Cli, Command, DiffArgs, InfoArgs, MemStatsArgs, PathsArgs, PeekArgs, Reading, SidesArgs,
    TopArgs,
};
use profdiff::{Profile, compare, gate, memstats, report, summary, top};

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
        Command::Info(a) => run_info(a),
        Command::Memstats(a) => run_memstats(a),
    }
}

fn run_top(a: &TopArgs) -> Result<(), Failure> {
    let input = Reading::from(&a.input);
    let profiles = a
        .files
        .iter()
        .map(|f| load(f, &input))
        .collect::<Result<Vec<_>, _>>()?;
    let base = base_of(a, &input)?;
    let prepared = top::prepare_with_base(profiles, base, a.table.raw_names)
        .map_err(|e| Failure::Message(e.to_string()))?;
    let table = top::top(&prepared, &top::Options::from(&a.table))
        .map_err(|e| Failure::Message(e.to_string()))?;
    print_warnings(&table.warnings);
    write_stdout(&report::top(&table, a.format))
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

fn load_sides(s: &SidesArgs, raw_names: bool, input: &Reading) -> Result<Sides, Failure> {
    let (a_paths, b_paths) = match (s.a.is_empty() && s.b.is_empty(), s.files.as_slice()) {
        (true, [a, b]) => (vec![a.clone()], vec![b.clone()]),
        (true, _) => {
            return Err(Failure::Message(
                "give two profiles, A then B, or -a A... -b B...".to_string(),
            ));
        }
        (false, []) if !s.a.is_empty() && !s.b.is_empty() => (s.a.clone(), s.b.clone()),
        (false, _) => {
            return Err(Failure::Message(
                "with -a/-b give both sides and no other files".to_string(),
            ));
        }
    };
    let side = |paths: &[PathBuf], tag: &str| -> Result<Profile, Failure> {
        let profiles = paths
            .iter()
            .map(|p| load(p, input))
            .collect::<Result<Vec<_>, _>>()?;
        top::prepare(profiles, raw_names).map_err(|e| Failure::Message(format!("{tag}: {e}")))
    };
    let names = |paths: &[PathBuf]| paths.iter().map(|p| p.display().to_string()).collect();
    // The two sides decode on two threads: decoding is most of a comparison's time.
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(|| side(&a_paths, "A"));
        let b = side(&b_paths, "B");
        (a.join(), b)
    });
    let a = a.map_err(|_| Failure::Message("A: decoding thread failed".to_string()))?;
    Ok(Sides {
        a: a?,
        b: b?,
        a_files: names(&a_paths),
        b_files: names(&b_paths),
    })
}

fn run_diff(a: &DiffArgs) -> Result<(), Failure> {
    let input = Reading::from(&a.input);
    let conditions = a
        .fail_if
        .as_deref()
        .map(gate::parse)
        .transpose()
        .map_err(|e| Failure::Message(e.to_string()))?;
    let sides = load_sides(&a.sides, a.table.raw_names, &input)?;
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
    if let Some(path) = &a.output {
        write_diff_profile(a, path, &input)?;
    }
    if let Some(conditions) = conditions {
        // Every node counts for the gate, not only the rows shown.
        let mut all = opts.clone();
        all.top.graph.node_fraction = 0.0;
        all.top.graph.node_count = 0;
        let full = compare::compare(&sides.a, &sides.b, &all)
            .map_err(|e| Failure::Message(e.to_string()))?;
        let trips =
            gate::evaluate(&conditions, &full).map_err(|e| Failure::Message(e.to_string()))?;
        if !trips.is_empty() {
            for t in &trips {
                eprintln!(
                    "profdiff: --fail-if tripped: {}: {}",
                    t.condition, t.observed
                );
            }
            return Err(Failure::Gate);
        }
    }
    Ok(())
}

/// Writes pprof's -diff_base profile of the two sides (before name simplification, which
/// pprof applies when it reads the file).
fn write_diff_profile(a: &DiffArgs, path: &Path, input: &Reading) -> Result<(), Failure> {
    let (a_paths, b_paths) = if a.sides.a.is_empty() {
        (
            vec![a.sides.files[0].clone()],
            vec![a.sides.files[1].clone()],
        )
    } else {
        (a.sides.a.clone(), a.sides.b.clone())
    };
    let decode_all = |paths: &[PathBuf]| -> Result<Vec<Profile>, Failure> {
        paths.iter().map(|p| load(p, input)).collect()
    };
    let base = top::Base {
        profiles: decode_all(&a_paths)?,
        mode: top::BaseMode::Compare,
        normalize: a.sides.normalize,
    };
    let merged = top::combine(decode_all(&b_paths)?, Some(base))
        .map_err(|e| Failure::Message(e.to_string()))?;
    std::fs::write(path, profdiff::encode::encode_gzip(&merged)).map_err(|e| {
        Failure::Message(format!(
            "{}: cannot write: {}",
            path.display(),
            io_reason(&e)
        ))
    })
}

fn run_peek(a: &PeekArgs) -> Result<(), Failure> {
    let input = Reading::from(&a.input);
    let opts = compare::Options {
        top: top::Options::from(&a.table),
        normalize: a.sides.normalize,
        sort: compare::SortBy::from(&a.table),
    };
    // One file: a plain peek of that profile, shown as A.
    let p = if a.sides.a.is_empty() && a.sides.b.is_empty() && a.sides.files.len() == 1 {
        let one = load(&a.sides.files[0], &input)?;
        let one = top::prepare(vec![one], a.table.raw_names)
            .map_err(|e| Failure::Message(e.to_string()))?;
        compare::peek(Some(&one), None, &a.name, &opts)
    } else {
        let sides = load_sides(&a.sides, a.table.raw_names, &input)?;
        compare::peek(Some(&sides.a), Some(&sides.b), &a.name, &opts)
    }
    .map_err(|e| Failure::Message(e.to_string()))?;
    write_stdout(&report::peek(&p, a.format))
}

fn run_paths(a: &PathsArgs) -> Result<(), Failure> {
    let input = Reading::from(&a.input);
    let sides = load_sides(&a.sides, a.table.raw_names, &input)?;
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

/// The `--base` / `--diff-base` profiles, decoded, with the mode they ask for.
fn base_of(a: &TopArgs, input: &Reading) -> Result<Option<top::Base>, Failure> {
    let (files, mode) = if !a.diff_base.is_empty() {
        (&a.diff_base, top::BaseMode::Compare)
    } else {
        (&a.base, top::BaseMode::Subtract)
    };
    if files.is_empty() {
        if a.normalize {
            return Err(Failure::Message(
                top::PrepareError::NormalizeWithoutBase.to_string(),
            ));
        }
        return Ok(None);
    }
    let profiles = files
        .iter()
        .map(|f| load(f, input))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(top::Base {
        profiles,
        mode,
        normalize: a.normalize,
    }))
}

fn run_info(a: &InfoArgs) -> Result<(), Failure> {
    let profile = load(&a.file, &Reading::from(&a.input))?;
    let s = summary::Summary::of(&profile);
    write_stdout(&report::text::summary(&a.file.display().to_string(), &s))
}

/// Reads and decodes one file; every failure names the file.
fn load(path: &Path, input: &Reading) -> Result<Profile, Failure> {
    let name = path.display();
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::Message(format!("{name}: cannot read file: {}", io_reason(&e))))?;
    profdiff::decode::decode_as(&bytes, &input.limits, input.go_text, &mut |_| {})
        .map_err(|e| Failure::Message(format!("{name}: {e}")))
}

fn run_memstats(a: &MemStatsArgs) -> Result<(), Failure> {
    let input = Reading::from(&a.input);
    let (pa, pb) = (load(&a.a, &input)?, load(&a.b, &input)?);
    for (tag, path, p) in [("A", &a.a, &pa), ("B", &a.b, &pb)] {
        if p.memstats.is_none() {
            return Err(Failure::Message(format!(
                "{tag}: {}: no runtime.MemStats (Go prints them at the end of the heap profile at debug=1)",
                path.display()
            )));
        }
    }
    let c = memstats::Comparison::of(Some(&pa), Some(&pb));
    let name = |p: &Path| vec![p.display().to_string()];
    write_stdout(&report::memstats(&c, &name(&a.a), &name(&a.b), a.format))
}

/// The OS reason without Rust's "(os error N)" suffix.
fn io_reason(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
