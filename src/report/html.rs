//! "Save report": one self-contained HTML file holding only aggregated tables (never the raw
//! profiles), with no script and every profile string escaped.

use std::fmt::Write;

use crate::report::json::{DiffReport, TopReport};

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#1b1f24;background:#fff}\
h1{font-size:20px}h2{font-size:16px;margin-top:2em}pre{background:#f4f5f7;padding:.75em;overflow:auto}\
table{border-collapse:collapse;font:12px/1.3 ui-monospace,monospace}th,td{padding:2px 8px;border-bottom:1px solid #e3e5e8}\
th{text-align:right;background:#f4f5f7}td{text-align:right;white-space:nowrap}td.name,th.name{text-align:left}\
.up{color:#b42318}.down{color:#027a48}\
@media (prefers-color-scheme:dark){body{background:#111418;color:#e6e8eb}pre,th{background:#1c2128}th,td{border-color:#2d333b}.up{color:#ff8a80}.down{color:#7ee2a8}}";

/// A report page with the comparison (if any) and the top tables given, each with the header
/// lines of its text report.
pub fn report(title: &str, diff: Option<&DiffReport>, tops: &[(&str, &TopReport)]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n",
        escape(title),
        escape(title)
    );
    if let Some(d) = diff {
        out.push_str("<h2>Comparison</h2>\n");
        lines(&mut out, &d.lines);
        out.push_str("<table><thead><tr><th class=\"name\">name</th><th>A flat</th><th>B flat</th><th>Δflat</th><th>Δ%</th><th>A cum</th><th>B cum</th><th>Δcum</th><th class=\"name\">status</th></tr></thead><tbody>\n");
        for r in &d.rows {
            let class = |v: i64| {
                if v > 0 {
                    " class=\"up\""
                } else if v < 0 {
                    " class=\"down\""
                } else {
                    ""
                }
            };
            let _ = writeln!(
                out,
                "<tr><td class=\"name\">{}</td><td>{}</td><td>{}</td><td{}>{}</td><td{}>{}</td><td>{}</td><td>{}</td><td{}>{}</td><td class=\"name\">{}</td></tr>",
                escape(&r.name),
                escape(&r.a_flat_text),
                escape(&r.b_flat_text),
                class(r.delta_flat),
                escape(&r.delta_flat_text),
                class(r.delta_flat),
                escape(&r.delta_pct_text),
                escape(&r.a_cum_text),
                escape(&r.b_cum_text),
                class(r.delta_cum),
                escape(&r.delta_cum_text),
                r.status
            );
        }
        out.push_str("</tbody></table>\n");
    }
    for (label, t) in tops {
        let _ = writeln!(out, "<h2>Top {}</h2>", escape(label));
        lines(&mut out, &t.lines);
        out.push_str("<table><thead><tr><th>flat</th><th>flat%</th><th>sum%</th><th>cum</th><th>cum%</th><th class=\"name\">name</th></tr></thead><tbody>\n");
        for r in &t.rows {
            let inline = if r.inline.is_empty() {
                String::new()
            } else {
                format!(" {}", escape(&r.inline))
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"name\">{}{}</td></tr>",
                escape(&r.flat_text),
                escape(&r.flat_pct),
                escape(&r.sum_pct),
                escape(&r.cum_text),
                escape(&r.cum_pct),
                escape(&r.name),
                inline
            );
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str(
        "<p>Made by profdiff. This file holds aggregated tables only.</p>\n</body></html>\n",
    );
    out
}

fn lines(out: &mut String, lines: &[String]) {
    out.push_str("<pre>");
    for l in lines {
        out.push_str(&escape(l));
        out.push('\n');
    }
    out.push_str("</pre>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }
}
