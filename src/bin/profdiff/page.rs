//! `profdiff web`, `profdiff html` and `--web`: the single-file page (dist/profdiff.html,
//! carried in the binary) with the profiles embedded as a JSON data block and the view and
//! flags preset. Nothing listens on a port: the file is written, then handed to the system's
//! opener as `go tool pprof`'s `web` command does. The page's CSP is left as it is (a data
//! block is never executed).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use profdiff::report::text::format_time;
use profdiff::{Profile, units};

use crate::inputs::{Loaded, create_numbered, io_reason};

/// The page, when the build had one (see build.rs and `make build`).
#[cfg(profdiff_page)]
const PAGE: Option<&str> = Some(include_str!(env!("PROFDIFF_PAGE_FILE")));
#[cfg(not(profdiff_page))]
const PAGE: Option<&str> = None;

const NO_PAGE: &str = "this profdiff was built without the page: build it with `make build` \
    (which builds dist/profdiff.html first), or run `make dist` and then \
    `PROFDIFF_PAGE=dist/profdiff.html cargo build --release`";

/// The tag build-dist.mjs leaves in the page's <head>; the data block goes right after it.
const INSERT_AFTER: &str = "<meta name=\"profdiff-build\" content=\"dist\">";

/// Above this much embedded base64 the page warns that it is large (browsers handle strings of
/// hundreds of MB, slowly).
const LARGE_PAGE: usize = 64 << 20;

/// The views the page has, as its `#view=` names them.
pub const VIEWS: [&str; 7] = [
    "top-a", "top-b", "compare", "paths", "flame", "memory", "trend",
];

/// What to embed: the profiles of each slot and the page's preset (fragment keys of
/// www/hash.js: view, si, g, sort, n, nf, top, norm, noinl, raw and the filters).
pub struct Embedding<'a> {
    pub a: Vec<&'a Loaded>,
    pub b: Vec<&'a Loaded>,
    pub params: Vec<(&'static str, String)>,
    pub strip_labels: bool,
    /// `profdiff html` or `profdiff web`, named on the page.
    pub command: &'static str,
}

/// Fails early (before any fetch) when this build carries no page.
pub fn check_available() -> Result<(), String> {
    PAGE.map(|_| ()).ok_or_else(|| NO_PAGE.to_string())
}

/// The page with `e` embedded.
pub fn render(e: &Embedding) -> Result<String, String> {
    let page = PAGE.ok_or_else(|| NO_PAGE.to_string())?;
    let at = page
        .find(INSERT_AFTER)
        .ok_or("the page carried by this build has no place for embedded profiles")?
        + INSERT_AFTER.len();
    let block = format!(
        "\n<script type=\"application/json\" id=\"profdiff-embedded\">{}</script>",
        script_safe_json(&embedded_json(e))
    );
    if block.len() > LARGE_PAGE {
        eprintln!(
            "The page embeds {} of profiles; a browser may take a while to open it",
            units::label(block.len() as i64, "bytes")
        );
    }
    let mut html = String::with_capacity(page.len() + block.len());
    html.push_str(&page[..at]);
    html.push_str(&block);
    html.push_str(&page[at..]);
    Ok(html)
}

fn embedded_json(e: &Embedding) -> serde_json::Value {
    let slot = |loaded: &[&Loaded]| -> Vec<serde_json::Value> {
        loaded
            .iter()
            .map(|l| profile_entry(l, e.strip_labels))
            .collect()
    };
    let params: serde_json::Map<String, serde_json::Value> = e
        .params
        .iter()
        .map(|(k, v)| ((*k).to_string(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::json!({
        "schemaVersion": 1,
        "command": e.command,
        "created": format_time(now_nanos()),
        "labelsStripped": e.strip_labels,
        "params": params,
        "slots": { "a": slot(&e.a), "b": slot(&e.b) },
    })
}

fn profile_entry(l: &Loaded, strip_labels: bool) -> serde_json::Value {
    let bytes = if strip_labels {
        profdiff::encode::encode_gzip(&without_labels(&l.profile))
    } else {
        l.bytes.clone()
    };
    let time = if l.profile.time_nanos != 0 {
        format_time(l.profile.time_nanos)
    } else {
        String::new()
    };
    serde_json::json!({
        "name": l.name,
        "time": time,
        "size": bytes.len(),
        "sizeText": units::label(bytes.len() as i64, "bytes"),
        "base64": base64(&bytes),
    })
}

fn without_labels(p: &Profile) -> Profile {
    let mut out = p.clone();
    out.samples = p.samples.without_labels();
    out
}

/// JSON that cannot close the <script> element or open a comment inside it.
fn script_safe_json(v: &serde_json::Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn now_nanos() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Writes `html` to `path` (replacing it).
pub fn write_to(path: &Path, html: &str) -> Result<(), String> {
    std::fs::write(path, html)
        .map_err(|e| format!("{}: cannot write: {}", path.display(), io_reason(&e)))
}

/// Writes `html` to a new file in the temp dir, `profdiff.<stem>.NNN.html`, kept after exit
/// (an opener returns before the browser reads the file).
pub fn write_temp(stem: &str, html: &str) -> Result<PathBuf, String> {
    let dir = std::env::temp_dir();
    let (path, mut file) = create_numbered(&dir, &format!("profdiff.{stem}."), ".html")?;
    file.write_all(html.as_bytes())
        .map_err(|e| format!("{}: cannot write: {}", path.display(), io_reason(&e)))?;
    Ok(std::path::absolute(&path).unwrap_or(path))
}

/// The file's name part: the first profile's binary and the view (`gateway.compare`).
pub fn stem(first: Option<&Loaded>, view: &str) -> String {
    let binary = first
        .and_then(|l| l.profile.mappings.first())
        .map(|m| m.file.rsplit('/').next().unwrap_or("").to_string())
        .filter(|b| {
            !b.is_empty()
                && b.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        });
    match binary {
        Some(b) => format!("{b}.{view}"),
        None => view.to_string(),
    }
}

/// Prints where the page is, then opens it unless `no_browser`: the path alone on stdout with
/// `--no-browser`, else on stderr before the opener runs.
pub fn show(path: &Path, no_browser: bool) -> Result<(), String> {
    if no_browser {
        println!("{}", path.display());
        return Ok(());
    }
    eprintln!("Page written to {}", path.display());
    match open(path) {
        Some(opener) => eprintln!("Opened it with {opener}"),
        None => eprintln!(
            "No browser was started (no display, and BROWSER is not set): open the file above"
        ),
    }
    Ok(())
}

/// pprof's opener list: `$BROWSER` (a command line split on spaces, the path appended), then
/// the platform's opener or browsers. On Linux and the BSDs nothing is tried without a display
/// (a deliberate change: pprof would start a browser that cannot show anything). Returns the
/// opener that started.
fn open(path: &Path) -> Option<String> {
    let mut candidates: Vec<Vec<String>> = Vec::new();
    if let Ok(browser) = std::env::var("BROWSER") {
        let parts: Vec<String> = browser
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        if !parts.is_empty() {
            candidates.push(parts);
        }
    }
    let words = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    if cfg!(target_os = "macos") {
        candidates.push(words(&["/usr/bin/open"]));
    } else if cfg!(windows) {
        candidates.push(words(&["cmd", "/c", "start", ""]));
    } else if has_display() {
        for b in [
            "chrome",
            "google-chrome",
            "chromium",
            "firefox",
            "sensible-browser",
            "xdg-open",
        ] {
            candidates.push(words(&[b]));
        }
    }
    candidates.into_iter().find_map(|argv| {
        let started = Command::new(&argv[0])
            .args(&argv[1..])
            .arg(path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        started.ok().map(|_| argv.join(" "))
    })
}

fn has_display() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xff, 0xfe, 0xfd, 0x00]), "//79AA==");
    }

    #[test]
    fn embedded_json_cannot_close_the_script() {
        let v = serde_json::json!({"name": "</script><!-- & >"});
        let s = script_safe_json(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).expect("valid JSON");
        assert_eq!(back, v);
    }
}
