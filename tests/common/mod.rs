//! Helpers shared by the golden tests: where the fixtures and the corpus are, running `top`
//! through the library the way the CLI does, translating pprof flags, comparing text with a
//! readable line diff, and running the CLI with its wall time and peak RSS measured.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use profdiff::filter::Expressions;
use profdiff::graph::Granularity;
use profdiff::{Limits, Profile, report, top};

pub fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures_dir() -> PathBuf {
    repo_dir().join("tests/fixtures")
}

/// The shared corpus of real profiles: `$PROFDIFF_CORPUS`, else `../shared/corpus/real` next
/// to the repository (where CI lays it).
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("PROFDIFF_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => repo_dir().join("../shared/corpus/real"),
    };
    dir.join("MANIFEST.tsv").is_file().then_some(dir)
}

pub fn load(path: &Path) -> Result<Profile, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    profdiff::decode(&bytes, &Limits::default()).map_err(|e| e.to_string())
}

/// The options a list of pprof flags stands for, plus whether names are shown raw.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub top: top::Options,
    pub raw_names: bool,
    pub diff_base: Vec<String>,
    pub base: Vec<String>,
    pub normalize: bool,
}

/// Translates pprof's spelling (`-sample_index=x -cum -lines -focus=re …`) into options.
pub fn parse_pprof_flags(flags: &str) -> Flags {
    let mut f = Flags {
        top: top::Options::default(),
        ..Flags::default()
    };
    for flag in flags.split_whitespace() {
        let flag = flag.trim_start_matches('-');
        let (name, value) = flag.split_once('=').unwrap_or((flag, ""));
        let value = value.to_string();
        let filters: &mut Expressions = &mut f.top.filters;
        match name {
            "sample_index" => f.top.sample_index = value,
            "cum" => f.top.graph.cum_sort = true,
            "nodecount" => f.top.graph.node_count = value.parse().expect("nodecount"),
            "nodefraction" => f.top.graph.node_fraction = value.parse().expect("nodefraction"),
            "edgefraction" => f.top.graph.edge_fraction = value.parse().expect("edgefraction"),
            "noinlines" => f.top.graph.noinlines = true,
            "symbolize" if value == "none" => f.raw_names = true,
            "focus" => filters.focus = value,
            "ignore" => filters.ignore = value,
            "hide" => filters.hide = value,
            "show" => filters.show = value,
            "show_from" => filters.show_from = value,
            "tagfocus" => filters.tagfocus = value,
            "tagignore" => filters.tagignore = value,
            "diff_base" => f.diff_base.push(value),
            "base" => f.base.push(value),
            "normalize" => f.normalize = true,
            "top" => {}
            g => match Granularity::from_name(g) {
                Some(g) => f.top.graph.granularity = g,
                None => panic!("unknown pprof flag -{flag}"),
            },
        }
    }
    f
}

/// `profdiff top` of already-decoded profiles, as text.
pub fn top_text(profiles: Vec<Profile>, flags: &Flags) -> Result<String, String> {
    let prepared = top::prepare(profiles, flags.raw_names).map_err(|e| e.to_string())?;
    let table = top::top(&prepared, &flags.top).map_err(|e| e.to_string())?;
    Ok(report::text::top(&table))
}

/// Compares two outputs line by line, ignoring `Time:` lines (pprof's layout differs between
/// versions and it prints local time). Returns a short diff on mismatch.
pub fn compare_text(expected: &str, actual: &str) -> Result<(), String> {
    let keep = |l: &&str| !l.starts_with("Time: ");
    let want: Vec<&str> = expected.lines().filter(keep).collect();
    let got: Vec<&str> = actual.lines().filter(keep).collect();
    if want == got {
        return Ok(());
    }
    let mut report = String::new();
    let mut shown = 0;
    for i in 0..want.len().max(got.len()) {
        let (w, g) = (want.get(i), got.get(i));
        if w != g {
            report.push_str(&format!(
                "  line {}:\n    want: {}\n    got:  {}\n",
                i + 1,
                w.unwrap_or(&"<missing>"),
                g.unwrap_or(&"<missing>")
            ));
            shown += 1;
            if shown == 4 {
                break;
            }
        }
    }
    Err(format!(
        "{} lines wanted, {} got; first differences:\n{report}",
        want.len(),
        got.len()
    ))
}

/// Reads a golden file; pprof prints names byte for byte, and profdiff shows non-UTF-8
/// bytes as U+FFFD, so goldens are read the same lossy way.
pub fn read_golden(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Rows of a tab-separated manifest, header skipped.
pub fn read_tsv(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

/// One run of the CLI: exit code (None when a signal ended it), output, wall time and the
/// peak resident set size in KB as the kernel accounts it (wait4).
pub struct Measured {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: std::time::Duration,
    pub peak_rss_kb: u64,
}

/// Runs `profdiff ARGS...`, with stdout and stderr in files of a temporary folder named after
/// `tag`, reaped with wait4 for its peak RSS.
pub fn run_measured(tag: &str, args: &[&std::ffi::OsStr]) -> Measured {
    let dir = std::env::temp_dir().join(format!("profdiff-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (out_path, err_path) = (dir.join("out"), dir.join("err"));
    let start = std::time::Instant::now();
    // Reaped with wait4 below, which also reports the peak RSS.
    #[allow(clippy::zombie_processes)]
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_profdiff"))
        .args(args)
        .stdout(std::fs::File::create(&out_path).expect("out file"))
        .stderr(std::fs::File::create(&err_path).expect("err file"))
        .spawn()
        .expect("spawn profdiff");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; `usage` and `status` are valid out-pointers.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4 failed");
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    Measured {
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        stdout: read(&out_path),
        stderr: read(&err_path),
        elapsed: start.elapsed(),
        peak_rss_kb: usage.ru_maxrss as u64,
    }
}
