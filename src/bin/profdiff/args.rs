//! The command line, as clap derive structs with pprof's flag names, and their translation
//! into the core's options. No logic beyond the translation lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use profdiff::filter::Expressions;
use profdiff::graph::{self, Granularity};
use profdiff::report::Format;
use profdiff::{compare, top, trend};

#[derive(Parser, Debug)]
#[command(
    name = "profdiff",
    version,
    about = "Look at and compare pprof profiles; tables equal to `go tool pprof`'s"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print the top table of one or more profiles (merged), as `go tool pprof -top` does.
    Top(Box<TopArgs>),
    /// Compare A (baseline) with B: A, B and Δ per node, with a status (GREW, SHRANK, NEW,
    /// GONE, SAME).
    Diff(Box<DiffArgs>),
    /// Rank the call paths that carry the change from A to B, folded by shared prefix.
    Paths(Box<PathsArgs>),
    /// Show a function's callers and callees with A, B and Δ per edge (pprof's peek, for one
    /// profile or a pair).
    Peek(Box<PeekArgs>),
    /// Follow nodes across a series of profiles of one process over time: first, last, Δ,
    /// slope and a verdict (GROWING, SHRINKING, STEADY, NOISY) per node, ranked by growth.
    Trend(Box<TrendArgs>),
    /// Describe a profile: sample types with totals, period, time, duration, sizes, labels,
    /// and runtime.MemStats when a Go heap text carries them.
    Info(InfoArgs),
    /// Flame graph of one profile (FILE, or -a repeated to merge) or of A and B (A B, or -a
    /// and -b): folded stacks, an interactive SVG, or the JSON the page draws.
    Flame(Box<FlameArgs>),
    /// Compare the runtime.MemStats of two Go heap profiles saved at debug=1, field by field.
    Memstats(MemStatsArgs),
    /// Open the page with the profiles loaded and the view and flags set: one self-contained
    /// HTML file, written to the temp dir and opened with the system's opener.
    Web(Box<WebArgs>),
    /// Write the page with the profiles embedded to a file (-o): an interactive comparison to
    /// attach to an issue or mail.
    Html(Box<HtmlArgs>),
}

#[derive(Args, Debug)]
pub struct FlameArgs {
    #[command(flatten)]
    pub sides: SidesArgs,
    #[command(flatten)]
    pub table: TableArgs,
    /// folded (`stack value`, or `stack A B` for two sides), svg or json.
    #[arg(long, default_value = "folded", value_parser = ["folded", "svg", "json"])]
    pub format: String,
    /// svg and json: leave out frames narrower than this percentage of the total.
    #[arg(long = "min-width", default_value_t = 0.01)]
    pub min_width: f64,
    /// Bottom-up: leaf frames as the roots, their callers above them.
    #[arg(long)]
    pub inverted: bool,
    /// svg: root at the top (an icicle graph) instead of the bottom.
    #[arg(long)]
    pub icicle: bool,
    /// svg and json with two sides: whose weights give the widths, a or b.
    #[arg(long, default_value = "b", value_parser = ["a", "b"])]
    pub base: String,
    #[command(flatten)]
    pub web: WebFlag,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Args, Debug)]
pub struct MemStatsArgs {
    /// The baseline heap text (`/debug/pprof/heap?debug=1`).
    pub a: PathBuf,
    /// The new heap text.
    pub b: PathBuf,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = parse_format)]
    pub format: Format,
    #[command(flatten)]
    pub web: WebFlag,
    #[command(flatten)]
    pub input: InputArgs,
}

/// What `profdiff web` and `profdiff html` put in the page.
#[derive(Args, Debug)]
pub struct PageArgs {
    #[command(flatten)]
    pub sides: SidesArgs,
    /// The view the page opens on: top-a, top-b, compare, paths, flame, memory or trend
    /// (default: compare for two profiles, top-a for one).
    #[arg(long, value_parser = parse_view)]
    pub view: Option<String>,
    #[command(flatten)]
    pub table: TableArgs,
    /// How many call paths the paths view ranks (5, 10, 20, 50 or 100).
    #[arg(long = "top", default_value_t = 10)]
    pub top_n: usize,
    /// Remove sample labels (keys and values) before embedding the profiles.
    #[arg(long = "strip-labels")]
    pub strip_labels: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Args, Debug)]
pub struct WebArgs {
    #[command(flatten)]
    pub page: PageArgs,
    /// Print the page's path on stdout instead of opening it.
    #[arg(long = "no-browser")]
    pub no_browser: bool,
}

#[derive(Args, Debug)]
pub struct HtmlArgs {
    #[command(flatten)]
    pub page: PageArgs,
    /// The HTML file to write.
    #[arg(short = 'o', long = "output", required = true)]
    pub output: PathBuf,
}

/// `--web` on a report command: open the page on the same profiles and flags instead of
/// printing. Flatten it into any command that takes profiles.
#[derive(Args, Debug, Clone)]
pub struct WebFlag {
    /// Open the page with these profiles and flags instead of printing (see `profdiff web`).
    #[arg(long)]
    pub web: bool,
    /// With --web: print the page's path instead of opening it.
    #[arg(long = "no-browser", requires = "web")]
    pub no_browser: bool,
    /// With --web: remove sample labels before embedding the profiles.
    #[arg(long = "strip-labels", requires = "web")]
    pub strip_labels: bool,
}

fn parse_view(s: &str) -> Result<String, String> {
    if crate::page::VIEWS.contains(&s) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "unknown view {s:?}: use {}",
            crate::page::VIEWS.join(", ")
        ))
    }
}

#[derive(Args, Debug)]
pub struct PeekArgs {
    /// The node's printable name at the granularity, e.g. compress/flate.NewWriter.
    #[arg(long)]
    pub name: String,
    #[command(flatten)]
    pub sides: SidesArgs,
    #[command(flatten)]
    pub table: TableArgs,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = parse_format)]
    pub format: Format,
    #[command(flatten)]
    pub input: InputArgs,
}

/// The two sides of a comparison.
#[derive(Args, Debug)]
pub struct SidesArgs {
    /// A then B, when neither -a nor -b is given: files, or URLs (http://, https://,
    /// https+insecure://, or pprof's host:port[/path]).
    pub files: Vec<PathBuf>,
    /// A baseline profile; repeat to merge several.
    #[arg(short = 'a', long = "a")]
    pub a: Vec<PathBuf>,
    /// A new profile; repeat to merge several.
    #[arg(short = 'b', long = "b")]
    pub b: Vec<PathBuf>,
    /// Scale A so that each sample type sums to B's before comparing.
    #[arg(long)]
    pub normalize: bool,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    #[command(flatten)]
    pub sides: SidesArgs,
    #[command(flatten)]
    pub table: TableArgs,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = parse_format)]
    pub format: Format,
    /// Also write the merged diff profile (A negated and labelled pprof::base=true, then B),
    /// which `go tool pprof -top FILE` reads back to the same table as -diff_base.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Exit 3 when the change meets a condition, e.g. 'total>+10%' or
    /// "'compress/flate.NewWriter'>+1MB" (see the README for the grammar).
    #[arg(long = "fail-if")]
    pub fail_if: Option<String>,
    #[command(flatten)]
    pub web: WebFlag,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Args, Debug)]
pub struct PathsArgs {
    #[command(flatten)]
    pub sides: SidesArgs,
    #[command(flatten)]
    pub table: TableArgs,
    /// How many call paths to rank.
    #[arg(long = "top", default_value_t = 10)]
    pub top_n: usize,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = parse_format)]
    pub format: Format,
    #[command(flatten)]
    pub web: WebFlag,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Args, Debug)]
pub struct TopArgs {
    /// Profile files (gzip-compressed or raw protobuf) or URLs; several are merged.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Subtract this base profile and show percentages of its total (pprof's -diff_base);
    /// repeat to merge several.
    #[arg(
        long = "diff-base",
        visible_alias = "diff_base",
        conflicts_with = "base"
    )]
    pub diff_base: Vec<PathBuf>,
    /// Subtract this base profile (pprof's -base); repeat to merge several.
    #[arg(long)]
    pub base: Vec<PathBuf>,
    /// Scale the profiles to the base's total before subtracting.
    #[arg(long)]
    pub normalize: bool,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = parse_format)]
    pub format: Format,
    #[command(flatten)]
    pub table: TableArgs,
    #[command(flatten)]
    pub web: WebFlag,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Args, Debug)]
pub struct TrendArgs {
    /// Snapshots of one process (at least two), each gzip-compressed or raw protobuf.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Order of the snapshots: by profile time (ties and missing times keep the given
    /// order), or as given.
    #[arg(long, default_value = "time", value_parser = parse_order)]
    pub order: trend::Order,
    /// Scale every snapshot so that each sample type sums to the last snapshot's.
    #[arg(long)]
    pub normalize: bool,
    /// The noise floor as a share of the largest snapshot total: a node is STEADY while it
    /// stays within it, and GROWING needs a Δ above it.
    #[arg(long = "noise-floor", default_value_t = trend::DEFAULT_NOISE_FLOOR)]
    pub noise_floor: f64,
    #[command(flatten)]
    pub table: TableArgs,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = parse_format)]
    pub format: Format,
    /// Exit 3 when the change from the first to the last snapshot meets a condition: the
    /// diff gate's grammar plus growing>AMOUNT (any GROWING node whose Δ exceeds AMOUNT).
    #[arg(long = "fail-if")]
    pub fail_if: Option<String>,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Args, Debug)]
pub struct InfoArgs {
    /// A profile file.
    pub file: PathBuf,
    #[command(flatten)]
    pub input: InputArgs,
}

/// Flags that shape a table, spelled as pprof spells them (with kebab-case aliases).
#[derive(Args, Debug, Clone)]
pub struct TableArgs {
    /// Sample value to report: a type name (e.g. alloc_space) or a 0-based index.
    #[arg(
        long = "sample-index",
        visible_alias = "sample_index",
        default_value = ""
    )]
    pub sample_index: String,
    /// Sort by cumulative weight instead of flat weight.
    #[arg(long)]
    pub cum: bool,
    /// Show at most this many nodes (0: all).
    #[arg(long, default_value_t = 0)]
    pub nodecount: usize,
    /// Hide nodes below this fraction of the total.
    #[arg(long, default_value_t = 0.005)]
    pub nodefraction: f64,
    /// Ignore edges below this fraction of the total when labelling inlined calls.
    #[arg(long, default_value_t = 0.001)]
    pub edgefraction: f64,
    /// Aggregate by functions, filefunctions, files, lines or addresses.
    #[arg(long, default_value = "functions", value_parser = parse_granularity)]
    pub granularity: Granularity,
    /// Attribute inlined functions to the function they were inlined into.
    #[arg(long)]
    pub noinlines: bool,
    /// Show function names as stored (what `-symbolize=none` shows), without pprof's
    /// simplification of C++, Rust and Go-generic names.
    #[arg(long = "raw-names")]
    pub raw_names: bool,
    /// Keep only samples through a location matching this regex.
    #[arg(long, default_value = "")]
    pub focus: String,
    /// Drop samples through a location matching this regex.
    #[arg(long, default_value = "")]
    pub ignore: String,
    /// Remove frames matching this regex from stacks.
    #[arg(long, default_value = "")]
    pub hide: String,
    /// Keep only frames matching this regex in stacks.
    #[arg(long, default_value = "")]
    pub show: String,
    /// Drop the frames above the highest frame matching this regex.
    #[arg(long = "show-from", visible_alias = "show_from", default_value = "")]
    pub show_from: String,
    /// Keep samples whose labels match ([key=]regex,… or a numeric range like 1kb:).
    #[arg(long, default_value = "")]
    pub tagfocus: String,
    /// Drop samples whose labels match ([key=]regex,… or a numeric range).
    #[arg(long, default_value = "")]
    pub tagignore: String,
}

/// Flags about reading input: limits that keep hostile files cheap, and how URLs are fetched.
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// Profile for this many seconds: sets `seconds=N` on every URL source, as pprof does.
    #[arg(long, allow_negative_numbers = true)]
    pub seconds: Option<i64>,
    /// Give up on a URL after this many seconds (+5), as pprof (default: 1.5 × seconds, else
    /// 60).
    #[arg(long, allow_negative_numbers = true)]
    pub timeout: Option<i64>,
    /// Largest accepted decompressed profile size (e.g. 512MiB, 2GiB, or bytes).
    #[arg(long = "max-size", default_value = "1GiB", value_parser = parse_size)]
    pub max_size: u64,
    /// Most samples accepted in one profile.
    #[arg(long = "max-samples", default_value_t = profdiff::Limits::default().max_samples)]
    pub max_samples: u64,
    /// Most locations accepted in one profile.
    #[arg(long = "max-locations", default_value_t = profdiff::Limits::default().max_locations)]
    pub max_locations: u64,
    /// Most functions accepted in one profile.
    #[arg(long = "max-functions", default_value_t = profdiff::Limits::default().max_functions)]
    pub max_functions: u64,
    /// Deepest accepted stack of one sample.
    #[arg(long = "max-stack-depth", default_value_t = profdiff::Limits::default().max_stack_depth)]
    pub max_stack_depth: u64,
    /// Most stack frames accepted over all samples.
    #[arg(long = "max-frames", default_value_t = profdiff::Limits::default().max_frames)]
    pub max_frames: u64,
    /// Most string-table bytes accepted (e.g. 256MiB).
    #[arg(long = "max-string-bytes", default_value = "256MiB", value_parser = parse_size)]
    pub max_string_bytes: u64,
    /// Read Go's debug=1 texts as `go tool pprof` does without the binary: addresses only,
    /// no names from the comment lines.
    #[arg(long = "pprof-text")]
    pub pprof_text: bool,
}

impl InputArgs {
    /// How Go's debug=1 texts are read.
    pub fn go_text(&self) -> profdiff::GoText {
        if self.pprof_text {
            profdiff::GoText::Pprof
        } else {
            profdiff::GoText::Names
        }
    }
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::from_name(s)
        .ok_or_else(|| format!("unknown format {s:?}: use text, markdown, csv or json"))
}

fn parse_order(s: &str) -> Result<trend::Order, String> {
    match s {
        "time" => Ok(trend::Order::Time),
        "args" => Ok(trend::Order::Args),
        _ => Err(format!("unknown order {s:?}: use time or args")),
    }
}

fn parse_granularity(s: &str) -> Result<Granularity, String> {
    Granularity::from_name(s).ok_or_else(|| {
        format!(
            "unknown granularity {s:?}: use functions, filefunctions, files, lines or addresses"
        )
    })
}

/// Parses `1GiB`, `512MiB`, `64KiB`, `1GB` (also binary) or plain bytes.
fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("invalid size {s:?}: expected a number with an optional unit"))?;
    let factor: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => {
            return Err(format!(
                "invalid size unit in {s:?}: use B, KiB, MiB, GiB or TiB"
            ));
        }
    };
    n.checked_mul(factor)
        .ok_or_else(|| format!("size {s:?} is too large"))
}

impl From<&TableArgs> for top::Options {
    fn from(a: &TableArgs) -> top::Options {
        top::Options {
            sample_index: a.sample_index.clone(),
            graph: graph::Options {
                granularity: a.granularity,
                noinlines: a.noinlines,
                cum_sort: a.cum,
                node_fraction: a.nodefraction,
                edge_fraction: a.edgefraction,
                node_count: a.nodecount,
            },
            filters: Expressions {
                focus: a.focus.clone(),
                ignore: a.ignore.clone(),
                hide: a.hide.clone(),
                show: a.show.clone(),
                show_from: a.show_from.clone(),
                tagfocus: a.tagfocus.clone(),
                tagignore: a.tagignore.clone(),
            },
        }
    }
}

impl From<&TableArgs> for compare::SortBy {
    fn from(a: &TableArgs) -> compare::SortBy {
        if a.cum {
            compare::SortBy::DeltaCum
        } else {
            compare::SortBy::DeltaFlat
        }
    }
}

impl From<&InputArgs> for profdiff::Limits {
    fn from(a: &InputArgs) -> profdiff::Limits {
        profdiff::Limits {
            max_inflated_bytes: a.max_size,
            max_samples: a.max_samples,
            max_locations: a.max_locations,
            max_functions: a.max_functions,
            max_stack_depth: a.max_stack_depth,
            max_frames: a.max_frames,
            max_string_bytes: a.max_string_bytes,
        }
    }
}
