//! Fetching a profile over HTTP(S) as `go tool pprof` does, with bounds: the whole exchange
//! within the timeout, at most 10 redirects, the body cut at `--max-size`. Only the CLI fetches;
//! the core and the page never touch the network.

use std::io::Read;
use std::time::Duration;

use crate::source::{FetchTiming, Url};

/// Go's HTTP client follows at most 10 redirects.
const MAX_REDIRECTS: u32 = 10;

/// How much of an error response is read for its first line.
const ERROR_BODY_BYTES: u64 = 4096;

/// pprof waits T + 5 s (T: the timeout derived from `--timeout` / `seconds`).
const TIMEOUT_GRACE: Duration = Duration::from_secs(5);

/// A fetched body, or why there is none (worded for `profdiff: ARG: <problem>`).
pub fn fetch(url: &Url, timing: FetchTiming, max_size: u64) -> Result<Vec<u8>, String> {
    if !matches!(url.scheme.as_str(), "http" | "https" | "https+insecure") {
        return Err(format!(
            "Get \"{}\": unsupported protocol scheme \"{}\"",
            url.display(),
            url.scheme
        ));
    }
    let limit = url.timeout(timing) + TIMEOUT_GRACE;
    let agent = agent(url, limit);
    let target = url.request_url();
    let mut response = agent
        .get(&target)
        .call()
        .map_err(|e| describe(url, &e, limit, max_size))?;
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if status != 200 {
        return Err(status_problem(
            status.as_u16(),
            status.canonical_reason().unwrap_or(""),
            &content_type,
            response.body_mut().as_reader(),
        ));
    }
    let body = response
        .body_mut()
        .with_config()
        .limit(max_size)
        .read_to_vec()
        .map_err(|e| describe(url, &e, limit, max_size))?;
    if is_html(&content_type, &body) {
        return Err(
            "not a profile: the server sent an HTML page (name a profile, e.g. /debug/pprof/heap)"
                .to_string(),
        );
    }
    Ok(body)
}

/// One agent per fetch: its timeout, TLS verification and proxy depend on the URL.
fn agent(url: &Url, limit: Duration) -> ureq::Agent {
    let tls = ureq::tls::TlsConfig::builder()
        .disable_verification(url.insecure())
        .build();
    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(MAX_REDIRECTS)
        .max_redirects_will_error(true)
        .timeout_global(Some(limit))
        .tls_config(tls);
    // Go never sends loopback requests through a proxy; ureq would.
    if url.is_loopback() {
        config = config.proxy(None);
    }
    config.build().into()
}

/// pprof's `server response: 404 Not Found`, with the first line of a text body.
fn status_problem(code: u16, reason: &str, content_type: &str, body: impl Read) -> String {
    let mut text = String::new();
    if !content_type.contains("html") {
        let mut bytes = Vec::new();
        // A failed read leaves the line out; the status alone still says what happened.
        let _ = body.take(ERROR_BODY_BYTES).read_to_end(&mut bytes);
        text = first_line(&bytes);
    }
    let head = format!("server response: {code} {reason}")
        .trim_end()
        .to_string();
    if text.is_empty() {
        head
    } else {
        format!("{head} - {text}")
    }
}

/// The first non-empty line, without control characters, at most 200 characters.
fn first_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    line.chars().filter(|c| !c.is_control()).take(200).collect()
}

fn is_html(content_type: &str, body: &[u8]) -> bool {
    if content_type.starts_with("text/html") {
        return true;
    }
    let start = String::from_utf8_lossy(&body[..body.len().min(64)]).to_ascii_lowercase();
    let start = start.trim_start();
    start.starts_with("<!doctype html") || start.starts_with("<html")
}

/// ureq's errors in the words the user needs: what failed, for which URL.
fn describe(url: &Url, e: &ureq::Error, limit: Duration, max_size: u64) -> String {
    let get = format!("Get \"{}\"", url.display());
    match e {
        ureq::Error::Timeout(_) => {
            format!("{get}: timed out after {} (--timeout)", go_duration(limit))
        }
        ureq::Error::BodyExceedsLimit(_) => {
            format!("the response is larger than {max_size} bytes (raise --max-size to accept it)")
        }
        ureq::Error::TooManyRedirects => format!("{get}: stopped after {MAX_REDIRECTS} redirects"),
        ureq::Error::HostNotFound => format!("{get}: host not found"),
        ureq::Error::Io(io) => format!("{get}: {}", io_problem(io)),
        ureq::Error::ConnectionFailed => format!("{get}: connection failed"),
        other => format!("{get}: {other}"),
    }
}

fn io_problem(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::ConnectionRefused => "connection refused".to_string(),
        ErrorKind::ConnectionReset => "connection reset by peer".to_string(),
        ErrorKind::UnexpectedEof => "the server closed the connection early".to_string(),
        ErrorKind::TimedOut => "timed out".to_string(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            }
        }
    }
}

/// Go's duration format for the values used here: `5s`, `1m30s`, `1m7.5s`.
pub fn go_duration(d: Duration) -> String {
    let ms = d.as_millis();
    let (minutes, ms) = (ms / 60_000, ms % 60_000);
    let secs = if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        let s = format!("{}.{:03}", ms / 1000, ms % 1000);
        format!("{}s", s.trim_end_matches('0'))
    };
    if minutes > 0 {
        let (h, m) = (minutes / 60, minutes % 60);
        if h > 0 {
            format!("{h}h{m}m{secs}")
        } else {
            format!("{m}m{secs}")
        }
    } else {
        secs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_as_go_prints_them() {
        assert_eq!(go_duration(Duration::from_secs(2)), "2s");
        assert_eq!(go_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(go_duration(Duration::from_secs(120)), "2m0s");
        assert_eq!(go_duration(Duration::from_millis(12_500)), "12.5s");
        assert_eq!(go_duration(Duration::from_secs(3600)), "1h0m0s");
    }

    #[test]
    fn error_bodies_give_their_first_line() {
        assert_eq!(
            status_problem(404, "Not Found", "text/plain", &b"Unknown profile\n"[..]),
            "server response: 404 Not Found - Unknown profile"
        );
        assert_eq!(
            status_problem(500, "Internal Server Error", "text/html", &b"<p>x</p>"[..]),
            "server response: 500 Internal Server Error"
        );
    }
}
