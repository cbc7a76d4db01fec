//! `profdiff web`, `profdiff html` and the `--web` flag of the report commands: the sources are
//! read and fetched as for any command, then embedded in the page with the view and flags
//! preset (page.rs). To give another command `--web`, flatten `args::WebFlag` into its args and
//! call [`open`] with its sides, view and table flags.

use std::path::PathBuf;

use clap::{Args, FromArgMatches};

use crate::args::{
    DiffArgs, FlameArgs, HtmlArgs, InputArgs, MemStatsArgs, PageArgs, PathsArgs, SidesArgs,
    TableArgs, TopArgs, WebArgs, WebFlag,
};
use crate::{Failure, load_side_sources, page};

/// The page's preset: the view and the flags that shape its reports.
pub struct Preset<'a> {
    pub view: &'a str,
    pub table: &'a TableArgs,
    pub normalize: bool,
    /// The paths view's count.
    pub top_n: Option<usize>,
}

/// `--web`: writes the page for these sides and opens it (or prints its path).
pub fn open(
    flag: &WebFlag,
    a: &[PathBuf],
    b: &[PathBuf],
    preset: &Preset,
    input: &InputArgs,
) -> Result<(), Failure> {
    let (html, stem) = build(a, b, preset, input, flag.strip_labels, "profdiff --web")?;
    let path = page::write_temp(&stem, &html).map_err(Failure::Message)?;
    page::show(&path, flag.no_browser).map_err(Failure::Message)
}

pub fn run_web(a: &WebArgs) -> Result<(), Failure> {
    let (html, stem) = build_page(&a.page, "profdiff web")?;
    let path = page::write_temp(&stem, &html).map_err(Failure::Message)?;
    page::show(&path, a.no_browser).map_err(Failure::Message)
}

pub fn run_html(a: &HtmlArgs) -> Result<(), Failure> {
    let (html, _) = build_page(&a.page, "profdiff html")?;
    page::write_to(&a.output, &html).map_err(Failure::Message)?;
    eprintln!(
        "Wrote {} ({})",
        a.output.display(),
        profdiff::units::label(html.len() as i64, "bytes")
    );
    Ok(())
}

/// `top --web`: the sources in A; with --base or --diff-base, the base in A and the sources in B,
/// compared.
pub fn run_top(a: &TopArgs) -> Result<(), Failure> {
    let base = if a.diff_base.is_empty() {
        &a.base
    } else {
        &a.diff_base
    };
    let (slot_a, slot_b, view) = if base.is_empty() {
        (a.files.clone(), Vec::new(), "top-a")
    } else {
        (base.clone(), a.files.clone(), "compare")
    };
    let preset = Preset {
        view,
        table: &a.table,
        normalize: a.normalize,
        top_n: None,
    };
    open(&a.web, &slot_a, &slot_b, &preset, &a.input)
}

pub fn run_diff(a: &DiffArgs) -> Result<(), Failure> {
    if a.output.is_some() || a.fail_if.is_some() {
        return Err(Failure::Message(
            "--web does not combine with --output or --fail-if".to_string(),
        ));
    }
    let (slot_a, slot_b) = crate::side_paths(&a.sides)?;
    let preset = Preset {
        view: "compare",
        table: &a.table,
        normalize: a.sides.normalize,
        top_n: None,
    };
    open(&a.web, &slot_a, &slot_b, &preset, &a.input)
}

pub fn run_paths(a: &PathsArgs) -> Result<(), Failure> {
    let (slot_a, slot_b) = crate::side_paths(&a.sides)?;
    let preset = Preset {
        view: "paths",
        table: &a.table,
        normalize: a.sides.normalize,
        top_n: Some(a.top_n),
    };
    open(&a.web, &slot_a, &slot_b, &preset, &a.input)
}

/// `flame --web`: one side or two, on the Flame view.
pub fn run_flame(a: &FlameArgs) -> Result<(), Failure> {
    let (slot_a, slot_b) = page_sides(&a.sides)?;
    let preset = Preset {
        view: "flame",
        table: &a.table,
        normalize: a.sides.normalize,
        top_n: None,
    };
    open(&a.web, &slot_a, &slot_b, &preset, &a.input)
}

/// `memstats --web`: the two heap texts on the Memory view, other flags at their defaults.
pub fn run_memstats(a: &MemStatsArgs) -> Result<(), Failure> {
    let table = default_table_args();
    let preset = Preset {
        view: "memory",
        table: &table,
        normalize: false,
        top_n: None,
    };
    open(
        &a.web,
        std::slice::from_ref(&a.a),
        std::slice::from_ref(&a.b),
        &preset,
        &a.input,
    )
}

/// The table flags as a command line without any of them gives them.
fn default_table_args() -> TableArgs {
    let matches =
        TableArgs::augment_args(clap::Command::new("profdiff")).get_matches_from(["profdiff"]);
    TableArgs::from_arg_matches(&matches).expect("the table flags' defaults parse")
}

fn build_page(p: &PageArgs, command: &'static str) -> Result<(String, String), Failure> {
    let (a, b) = page_sides(&p.sides)?;
    let default_view = if b.is_empty() { "top-a" } else { "compare" };
    let preset = Preset {
        view: p.view.as_deref().unwrap_or(default_view),
        table: &p.table,
        normalize: p.sides.normalize,
        top_n: Some(p.top_n),
    };
    build(&a, &b, &preset, &p.input, p.strip_labels, command)
}

/// One profile (A), two (A then B), or -a… with or without -b….
fn page_sides(s: &SidesArgs) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Failure> {
    match (s.a.is_empty() && s.b.is_empty(), s.files.as_slice()) {
        (true, [a]) => Ok((vec![a.clone()], Vec::new())),
        (true, [a, b]) => Ok((vec![a.clone()], vec![b.clone()])),
        (true, _) => Err(Failure::Message(
            "give one profile, or two (A then B), or -a A... [-b B...]".to_string(),
        )),
        (false, []) if !s.a.is_empty() => Ok((s.a.clone(), s.b.clone())),
        (false, _) => Err(Failure::Message(
            "with -a/-b give A (and B) and no other files".to_string(),
        )),
    }
}

/// Loads the sources and renders the page; returns it with its file-name stem.
fn build(
    a: &[PathBuf],
    b: &[PathBuf],
    preset: &Preset,
    input: &InputArgs,
    strip_labels: bool,
    command: &'static str,
) -> Result<(String, String), Failure> {
    page::check_available().map_err(Failure::Message)?;
    if b.is_empty() && preset.view != "top-a" {
        return Err(Failure::Message(format!(
            "the {} view needs two profiles (A and B)",
            preset.view
        )));
    }
    let (a_loaded, b_loaded) = load_side_sources(a, b, input)?;
    let embedding = page::Embedding {
        a: a_loaded.iter().collect(),
        b: b_loaded.iter().collect(),
        params: preset_params(preset),
        strip_labels,
        command,
    };
    let html = page::render(&embedding).map_err(Failure::Message)?;
    Ok((html, page::stem(a_loaded.first(), preset.view)))
}

/// The preset as the page's fragment keys (www/hash.js), defaults left out.
fn preset_params(p: &Preset) -> Vec<(&'static str, String)> {
    let t = p.table;
    let mut out: Vec<(&'static str, String)> = vec![("view", p.view.to_string())];
    let mut put = |key: &'static str, value: String, default: &str| {
        if value != default {
            out.push((key, value));
        }
    };
    put("si", t.sample_index.clone(), "");
    put("g", t.granularity.name().to_string(), "functions");
    put("sort", if t.cum { "cum" } else { "" }.to_string(), "");
    put("n", t.nodecount.to_string(), "0");
    put("nf", t.nodefraction.to_string(), "0.005");
    put("top", p.top_n.unwrap_or(10).to_string(), "10");
    put("norm", flag(p.normalize), "");
    put("noinl", flag(t.noinlines), "");
    put("raw", flag(t.raw_names), "");
    put("focus", t.focus.clone(), "");
    put("ignore", t.ignore.clone(), "");
    put("hide", t.hide.clone(), "");
    put("show", t.show.clone(), "");
    put("show_from", t.show_from.clone(), "");
    put("tagfocus", t.tagfocus.clone(), "");
    put("tagignore", t.tagignore.clone(), "");
    out
}

fn flag(on: bool) -> String {
    if on { "1" } else { "" }.to_string()
}
