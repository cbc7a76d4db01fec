//! The `profdiff` command: reads files, calls the library, prints. Errors are one line,
//! `profdiff: FILE: problem`, with exit status 1; a closed pipe (`profdiff top … | head`) is
//! not an error.

mod args;

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command, InfoArgs, TopArgs};
use profdiff::{Limits, Profile, report, summary, top};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Message(message)) => {
            eprintln!("profdiff: {message}");
            ExitCode::from(1)
        }
    }
}

/// Why a command failed, already worded for the user.
enum Failure {
    Message(String),
    BrokenPipe,
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
        Command::Info(a) => run_info(a),
    }
}

fn run_top(a: &TopArgs) -> Result<(), Failure> {
    let limits = Limits::from(&a.input);
    let profiles = a
        .files
        .iter()
        .map(|f| load(f, &limits))
        .collect::<Result<Vec<_>, _>>()?;
    let base = base_of(a, &limits)?;
    let prepared = top::prepare_with_base(profiles, base, a.table.raw_names)
        .map_err(|e| Failure::Message(e.to_string()))?;
    let table = top::top(&prepared, &top::Options::from(&a.table))
        .map_err(|e| Failure::Message(e.to_string()))?;
    for w in &table.warnings {
        eprintln!("{w}");
    }
    write_stdout(&report::text::top(&table))
}

/// The `--base` / `--diff-base` profiles, decoded, with the mode they ask for.
fn base_of(a: &TopArgs, limits: &Limits) -> Result<Option<top::Base>, Failure> {
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
        .map(|f| load(f, limits))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(top::Base {
        profiles,
        mode,
        normalize: a.normalize,
    }))
}

fn run_info(a: &InfoArgs) -> Result<(), Failure> {
    let profile = load(&a.file, &Limits::from(&a.input))?;
    let s = summary::Summary::of(&profile);
    write_stdout(&report::text::summary(&a.file.display().to_string(), &s))
}

/// Reads and decodes one file; every failure names the file.
fn load(path: &Path, limits: &Limits) -> Result<Profile, Failure> {
    let name = path.display();
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::Message(format!("{name}: cannot read file: {}", io_reason(&e))))?;
    profdiff::decode(&bytes, limits).map_err(|e| Failure::Message(format!("{name}: {e}")))
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
