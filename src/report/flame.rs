//! Renderings of a flame graph: the page's view and a frame's details as JSON DTOs, the folded
//! stacks (`stack value`, or `stack A B` as difffolded.pl writes them) and a self-contained,
//! interactive SVG. Profile strings reach the SVG only as escaped XML text and attributes; its
//! script is static and holds no profile data.

use serde::Serialize;

use crate::calltree::Side;
use crate::compare::{relative_change, signed_label};
use crate::flame::{Flame, Frame, View, ViewRequest};
use crate::report::json::SCHEMA_VERSION;
use crate::units;

/// The laid-out frames as columns (`profdiff flame --format=json` and the page's view).
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FlameViewDto {
    pub schema_version: u32,
    pub kind: &'static str,
    /// 1 or 2.
    pub sides: usize,
    /// The sides' labels, e.g. ["A", "B"].
    pub labels: [String; 2],
    pub inverted: bool,
    /// "a" or "b": whose weights give the widths.
    pub base: &'static str,
    pub sample_type: String,
    pub sample_unit: String,
    pub output_unit: String,
    /// pprof's report totals of A and B, and as printed.
    pub totals: [i64; 2],
    pub total_texts: [String; 2],
    /// The weight of the samples left after the filters, per side.
    pub root_cum: [i64; 2],
    /// The base weight the full width stands for.
    pub span: i64,
    pub zoomed: bool,
    /// How many of the first rows are the zoomed frame's ancestors.
    pub ancestors: usize,
    pub names: Vec<String>,
    pub rows: RowsDto,
    pub search: Option<SearchDto>,
    pub active_filters: Vec<String>,
    pub warnings: Vec<String>,
}

/// One entry per drawn frame, depth-first, siblings in name order.
#[derive(Serialize, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct RowsDto {
    pub node: Vec<u32>,
    pub offset: Vec<u32>,
    /// Row index of the parent frame, -1 for a root frame.
    pub parent: Vec<i32>,
    pub depth: Vec<u32>,
    /// Index into `names`.
    pub name: Vec<u32>,
    /// Start in base weight from the left edge of the view.
    pub x: Vec<i64>,
    pub a: Vec<i64>,
    pub b: Vec<i64>,
    pub a_self: Vec<i64>,
    pub b_self: Vec<i64>,
    /// 1 when the frame matches the search.
    pub matched: Vec<u8>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SearchDto {
    /// Weight of the samples with a matching frame, each sample counted once, per side.
    pub matched: [i64; 2],
    /// The same as a percentage of each side's total, as the tables print percentages.
    pub pct_texts: [String; 2],
    /// e.g. "matches 60.42% of A, 0% of B".
    pub share_text: String,
    /// The heaviest matching frames, as paths of indexes into `names`, heaviest first.
    pub targets: Vec<Vec<u32>>,
}

impl FlameViewDto {
    pub fn new(f: &Flame, v: &View, labels: &[String; 2]) -> FlameViewDto {
        let pct = |i: usize| {
            units::percentage(v_matched(v, i), f.totals[i])
                .trim()
                .to_string()
        };
        let search = v.search.as_ref().map(|s| {
            let pct_texts = [pct(0), pct(1)];
            let share_text = if f.sides() == 2 {
                format!(
                    "matches {} of {}, {} of {}",
                    pct_texts[0], labels[0], pct_texts[1], labels[1]
                )
            } else {
                format!("matches {} of {}", pct_texts[0], labels[0])
            };
            SearchDto {
                matched: s.matched,
                pct_texts,
                share_text,
                targets: s.targets.clone(),
            }
        });
        FlameViewDto {
            schema_version: SCHEMA_VERSION,
            kind: "flame",
            sides: f.sides(),
            labels: labels.clone(),
            inverted: f.inverted,
            base: if v.base == Side::A { "a" } else { "b" },
            sample_type: f.sample_type.clone(),
            sample_unit: f.sample_unit.clone(),
            output_unit: f.output_unit.clone(),
            totals: f.totals,
            total_texts: f.totals.map(|t| format_value(f, t)),
            root_cum: [f.root_cum(Side::A), f.root_cum(Side::B)],
            span: v.span,
            zoomed: v.zoomed,
            ancestors: v.ancestors,
            names: v.names.clone(),
            rows: RowsDto {
                node: v.frames.iter().map(|f| f.node).collect(),
                offset: v.frames.iter().map(|f| f.offset).collect(),
                parent: v.parent.clone(),
                depth: v.depth.clone(),
                name: v.name.clone(),
                x: v.x.clone(),
                a: v.cum[0].clone(),
                b: v.cum[1].clone(),
                a_self: v.flat[0].clone(),
                b_self: v.flat[1].clone(),
                matched: v.matched.iter().map(|&m| u8::from(m)).collect(),
            },
            search,
            active_filters: f.active_filters.clone(),
            warnings: f.warnings.clone(),
        }
    }
}

/// The flame graph in an export format: `folded`, `svg` or `json` (the view of `req`).
pub fn render(
    f: &Flame,
    req: &ViewRequest,
    labels: &[String; 2],
    format: &str,
) -> Result<String, String> {
    match format {
        "folded" => Ok(folded(f)),
        "svg" => {
            let title = if f.sides() == 2 {
                format!(
                    "{} → {}: {} (colour: Δ)",
                    labels[0], labels[1], f.sample_type
                )
            } else {
                format!("{}: {}", labels[0], f.sample_type)
            };
            Ok(svg(f, req, false, &title))
        }
        "json" => Ok(crate::report::json::to_string(&FlameViewDto::new(
            f,
            &f.view(req),
            labels,
        ))),
        other => Err(format!(
            "unknown flame format {other:?}: use folded, svg or json"
        )),
    }
}

fn v_matched(v: &View, side: usize) -> i64 {
    v.search.as_ref().map_or(0, |s| s.matched[side])
}

/// A value in the graph's one output unit, as the tables print it.
pub fn format_value(f: &Flame, v: i64) -> String {
    units::scaled_label(v, &f.sample_unit, &f.output_unit)
}

/// One frame's numbers, formatted as the tables format them (the tooltip and `#flame-details`).
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FrameDto {
    pub name: String,
    /// Names root first.
    pub path: Vec<String>,
    pub a: i64,
    pub b: i64,
    pub a_text: String,
    pub b_text: String,
    pub delta_text: String,
    /// Δ relative to A: `+25%`, or `new` when A is 0.
    pub delta_pct_text: String,
    /// Share of each side's total.
    pub a_pct: String,
    pub b_pct: String,
    pub a_self_text: String,
    pub b_self_text: String,
    pub delta_self_text: String,
    pub delta_self_pct_text: String,
    /// NEW (only in B), GONE (only in A), GREW, SHRANK or SAME; "" with one side.
    pub status: &'static str,
}

impl FrameDto {
    pub fn new(f: &Flame, frame: Frame) -> FrameDto {
        let d = f.details(frame);
        let fmt = |v: i64| format_value(f, v);
        let signed = |v: i64| signed_label(v, &f.sample_unit, &f.output_unit);
        let [a, b] = d.cum;
        let [a_self, b_self] = d.flat;
        FrameDto {
            name: d.name,
            path: d.path,
            a,
            b,
            a_text: fmt(a),
            b_text: fmt(b),
            delta_text: signed(b.wrapping_sub(a)),
            delta_pct_text: relative_change(b.wrapping_sub(a), a),
            a_pct: units::percentage(a, f.totals[0]).trim().to_string(),
            b_pct: units::percentage(b, f.totals[1]).trim().to_string(),
            a_self_text: fmt(a_self),
            b_self_text: fmt(b_self),
            delta_self_text: signed(b_self.wrapping_sub(a_self)),
            delta_self_pct_text: relative_change(b_self.wrapping_sub(a_self), a_self),
            status: status(f.sides(), a, b),
        }
    }
}

fn status(sides: usize, a: i64, b: i64) -> &'static str {
    if sides < 2 {
        return "";
    }
    match (a != 0, b != 0) {
        (false, true) => "NEW",
        (true, false) => "GONE",
        _ if b > a => "GREW",
        _ if b < a => "SHRANK",
        _ => "SAME",
    }
}

/// A frame name made safe for a folded line: `;` (the separator) becomes `:`, control
/// characters become `?`, and a name whose last word is a number gets `_` before it, so that
/// the number is not read as a count.
fn folded_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| match c {
            ';' => ':',
            c if c.is_control() => '?',
            c => c,
        })
        .collect();
    if let Some(i) = s.rfind(' ')
        && !s[i + 1..].is_empty()
        && s[i + 1..].bytes().all(|b| b.is_ascii_digit())
    {
        s.replace_range(i..i + 1, "_");
    }
    s
}

/// Folded stacks: one line per distinct stack that samples end on, root first, `;`-joined,
/// then the value (one side) or A's and B's values, byte-sorted.
pub fn folded(f: &Flame) -> String {
    let mut lines = Vec::new();
    let two = f.sides() == 2;
    f.for_each_stack(|names, [a, b]| {
        let stack: Vec<String> = names.iter().map(|n| folded_name(n)).collect();
        let stack = stack.join(";");
        lines.push(if two {
            format!("{stack} {a} {b}")
        } else {
            format!("{stack} {a}")
        });
    });
    lines.sort_unstable();
    let mut out = lines.join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// Text for XML character data and attribute values: `& < > " '` escaped, characters XML 1.0
/// forbids (control characters, U+FFFE, U+FFFF) replaced by U+FFFD.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

const SVG_WIDTH: f64 = 1200.0;
const ROW_H: f64 = 16.0;
const PAD_TOP: f64 = 44.0;
const PAD_BOTTOM: f64 = 24.0;
const CHAR_W: f64 = 7.0;

/// A self-contained interactive SVG of the whole graph (frames under `min_fraction` of the
/// total left out): click zooms, "Search" highlights and gives the matched share, "Reset zoom"
/// goes back. Two sides: widths from B, colour by Δ of the frame's total.
pub fn svg(f: &Flame, req: &ViewRequest, icicle: bool, title: &str) -> String {
    let req = ViewRequest {
        zoom: Vec::new(),
        search: String::new(),
        ..req.clone()
    };
    let v = f.view(&req);
    let span = v.span.max(1) as f64;
    let max_depth = v.depth.iter().copied().max().unwrap_or(0) as f64 + 1.0;
    let height = PAD_TOP + max_depth * ROW_H + PAD_BOTTOM;
    let base = v.base as usize;
    let max_delta = (0..v.frames.len())
        .map(|i| v.cum[1][i].wrapping_sub(v.cum[0][i]).unsigned_abs())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    out.push_str(&format!(
        "<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{SVG_WIDTH}\" height=\"{height}\" viewBox=\"0 0 {SVG_WIDTH} {height}\" onload=\"init(evt)\" data-icicle=\"{icicle}\">\n"
    ));
    out.push_str(SVG_STYLE);
    out.push_str("<script type=\"text/ecmascript\"><![CDATA[\n");
    out.push_str(SVG_SCRIPT);
    out.push_str("]]></script>\n");
    out.push_str(&format!(
        "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#f8f8f8\"/>\n<text id=\"title\" x=\"{}\" y=\"20\" text-anchor=\"middle\">{}</text>\n",
        SVG_WIDTH / 2.0,
        xml_escape(title)
    ));
    out.push_str("<text id=\"unzoom\" class=\"btn\" x=\"10\" y=\"20\" visibility=\"hidden\">Reset zoom</text>\n");
    out.push_str(&format!(
        "<text id=\"search\" class=\"btn\" x=\"{}\" y=\"20\" text-anchor=\"end\">Search</text>\n",
        SVG_WIDTH - 10.0
    ));
    out.push_str(&format!(
        "<text id=\"matched\" x=\"{}\" y=\"{}\" text-anchor=\"end\"></text>\n<text id=\"details\" x=\"10\" y=\"{}\"> </text>\n",
        SVG_WIDTH - 10.0,
        height - 8.0,
        height - 8.0
    ));
    out.push_str(&format!("<g id=\"frames\" data-total=\"{}\">\n", v.span));
    for i in 0..v.frames.len() {
        let (a, b) = (v.cum[0][i], v.cum[1][i]);
        let w = v.cum[base][i].max(0) as f64;
        let x = v.x[i] as f64;
        let depth = v.depth[i] as f64;
        let y = if icicle {
            PAD_TOP + depth * ROW_H
        } else {
            PAD_TOP + (max_depth - depth - 1.0) * ROW_H
        };
        let name = &v.names[v.name[i] as usize];
        let px = x / span * SVG_WIDTH;
        let pw = w / span * SVG_WIDTH;
        let frame = v.frames[i];
        let dto = FrameDto::new(f, frame);
        let tip = if f.sides() == 2 {
            format!(
                "{name} (A {}, B {}, Δ {} {}; self A {}, B {})",
                dto.a_text,
                dto.b_text,
                dto.delta_text,
                dto.delta_pct_text,
                dto.a_self_text,
                dto.b_self_text
            )
        } else {
            format!(
                "{name} ({}, {} of total; self {})",
                dto.a_text, dto.a_pct, dto.a_self_text
            )
        };
        let (fill, mark) = if f.sides() == 2 {
            diff_fill(a, b, max_delta)
        } else {
            (name_fill(name), "")
        };
        out.push_str(&format!(
            "<g class=\"f{mark}\" data-x=\"{}\" data-w=\"{}\" data-d=\"{}\" data-name=\"{}\"><title>{}</title><rect x=\"{px:.2}\" y=\"{y}\" width=\"{pw:.2}\" height=\"{}\" fill=\"{fill}\"/><text x=\"{:.2}\" y=\"{}\">{}</text></g>\n",
            x / span,
            w / span,
            v.depth[i],
            xml_escape(name),
            xml_escape(&tip),
            ROW_H - 1.0,
            px + 3.0,
            y + ROW_H - 4.0,
            xml_escape(&fit_label(name, pw))
        ));
    }
    out.push_str("</g>\n</svg>\n");
    out
}

/// The label that fits `width` pixels: the name, or its head and `..`, or nothing. Truncated
/// before escaping, so an entity is never cut.
fn fit_label(name: &str, width: f64) -> String {
    let fits = ((width - 6.0) / CHAR_W).floor();
    if fits < 3.0 {
        return String::new();
    }
    let fits = fits as usize;
    if name.chars().count() <= fits {
        return name.to_string();
    }
    let head: String = name.chars().take(fits - 2).collect();
    format!("{head}..")
}

/// Blue for shrinkage, orange-red for growth (Paul Tol's BuRd ends, safe for colour-blind
/// readers), intensity by |Δ| against the largest |Δ|; NEW and GONE also get a class (dashed
/// or dotted outline).
fn diff_fill(a: i64, b: i64, max_delta: f64) -> (String, &'static str) {
    let delta = b.wrapping_sub(a);
    let t = (delta.unsigned_abs() as f64 / max_delta).clamp(0.0, 1.0);
    let neutral = (221.0, 221.0, 221.0);
    let end = if delta > 0 {
        (214.0, 96.0, 77.0)
    } else {
        (67.0, 147.0, 195.0)
    };
    let mix = |n: f64, e: f64| (n + (e - n) * t).round() as u8;
    let fill = format!(
        "rgb({},{},{})",
        mix(neutral.0, end.0),
        mix(neutral.1, end.1),
        mix(neutral.2, end.2)
    );
    let mark = match (a != 0, b != 0) {
        (false, true) => " new",
        (true, false) => " gone",
        _ => "",
    };
    (fill, mark)
}

/// A warm colour from a hash of the package part of the name, the same in A and B.
fn name_fill(name: &str) -> String {
    let package = name.rsplit_once('.').map_or(name, |(p, _)| p);
    let mut h: u32 = 2166136261;
    for b in package.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(16777619);
    }
    let r = 205 + (h % 50);
    let g = 90 + ((h >> 8) % 120);
    let b = 40 + ((h >> 16) % 50);
    format!("rgb({r},{g},{b})")
}

const SVG_STYLE: &str = "<style type=\"text/css\"><![CDATA[
text { font-family: monospace; font-size: 12px; fill: #000; }
#title { font-size: 15px; }
.btn { cursor: pointer; fill: #1f5fa8; }
g.f { cursor: pointer; }
g.f:hover rect { stroke: #000; stroke-width: 0.8; }
g.new rect { stroke: #000; stroke-width: 1.2; stroke-dasharray: 4 2; }
g.gone rect { stroke: #000; stroke-width: 1.2; stroke-dasharray: 1 2; }
g.hit rect { fill: rgb(230,0,230); }
g.faded { opacity: 0.55; }
]]></style>
";

/// The SVG's viewer: static code, no profile data. Names are read from attributes and written
/// with textContent; the search regexp is built inside try/catch.
const SVG_SCRIPT: &str = r#"
var W = 1200, CH = 7, svg, frames, details, unzoomBtn, matchedText;
function init(evt) {
  svg = document.documentElement;
  frames = Array.prototype.slice.call(document.querySelectorAll('g.f'));
  details = document.getElementById('details');
  unzoomBtn = document.getElementById('unzoom');
  matchedText = document.getElementById('matched');
  frames.forEach(function (g) {
    g.addEventListener('click', function () { zoom(g); });
    g.addEventListener('mouseover', function () { details.textContent = g.querySelector('title').textContent; });
    g.addEventListener('mouseout', function () { details.textContent = ' '; });
  });
  unzoomBtn.addEventListener('click', function () { unzoom(); });
  document.getElementById('search').addEventListener('click', function () { search(); });
}
function num(g, k) { return parseFloat(g.getAttribute('data-' + k)); }
function label(name, w) {
  var fits = Math.floor((w - 6) / CH);
  if (fits < 3) return '';
  return name.length <= fits ? name : name.slice(0, fits - 2) + '..';
}
function place(g, x, w) {
  var r = g.querySelector('rect'), t = g.querySelector('text');
  r.setAttribute('x', (x * W).toFixed(2));
  r.setAttribute('width', (w * W).toFixed(2));
  t.setAttribute('x', (x * W + 3).toFixed(2));
  t.textContent = label(g.getAttribute('data-name'), w * W);
}
function zoom(z) {
  var zx = num(z, 'x'), zw = num(z, 'w'), zd = num(z, 'd'), eps = 1e-9;
  if (zw <= 0) return;
  frames.forEach(function (g) {
    var x = num(g, 'x'), w = num(g, 'w'), d = num(g, 'd');
    g.classList.remove('faded');
    if (d < zd && x <= zx + eps && x + w >= zx + zw - eps) {
      g.style.display = ''; g.classList.add('faded'); place(g, 0, 1);
    } else if (d >= zd && x >= zx - eps && x + w <= zx + zw + eps) {
      g.style.display = ''; place(g, (x - zx) / zw, w / zw);
    } else {
      g.style.display = 'none';
    }
  });
  unzoomBtn.setAttribute('visibility', 'visible');
}
function unzoom() {
  frames.forEach(function (g) {
    g.style.display = ''; g.classList.remove('faded'); place(g, num(g, 'x'), num(g, 'w'));
  });
  unzoomBtn.setAttribute('visibility', 'hidden');
}
function search() {
  var term = window.prompt('Search (regexp, case-insensitive):', '');
  frames.forEach(function (g) { g.classList.remove('hit'); });
  matchedText.textContent = '';
  if (!term) return;
  var re;
  try { re = new RegExp(term, 'i'); } catch (e) { return; }
  var spans = [];
  frames.forEach(function (g) {
    if (re.test(g.getAttribute('data-name'))) {
      g.classList.add('hit');
      spans.push([num(g, 'x'), num(g, 'x') + num(g, 'w')]);
    }
  });
  spans.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
  var covered = 0, end = -1;
  spans.forEach(function (s) {
    if (s[0] >= end) { covered += s[1] - s[0]; end = s[1]; }
    else if (s[1] > end) { covered += s[1] - end; end = s[1]; }
  });
  matchedText.textContent = 'Matched: ' + (covered * 100).toFixed(1) + '%';
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_names_stay_one_frame() {
        assert_eq!(folded_name("a;b"), "a:b");
        assert_eq!(folded_name("f\u{1b}x"), "f?x");
        assert_eq!(folded_name("pkg.F 12"), "pkg.F_12");
        assert_eq!(folded_name("pkg.F[go.shape.int]"), "pkg.F[go.shape.int]");
    }

    #[test]
    fn escapes_markup_and_forbidden_characters() {
        assert_eq!(
            xml_escape("<script>&\"'\u{1b}]]>"),
            "&lt;script&gt;&amp;&quot;&#39;\u{FFFD}]]&gt;"
        );
    }

    #[test]
    fn labels_fit_before_escaping() {
        assert_eq!(fit_label("a<b", 200.0), "a<b");
        assert_eq!(fit_label("abcdefghij", 6.0 + 7.0 * 5.0), "abc..");
        assert_eq!(fit_label("abc", 10.0), "");
    }
}
