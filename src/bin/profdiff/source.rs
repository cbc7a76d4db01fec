//! What a profile argument names: a file, or a URL as `go tool pprof` reads it (its
//! `adjustURL`): `host:port[/path]` shorthand, the default path `/debug/pprof/profile`, a
//! normalised query with `seconds` set by `--seconds`, and the timeout pprof derives from them.

use std::time::Duration;

/// The path `go tool pprof` fetches when a URL names none.
const DEFAULT_PATH: &str = "/debug/pprof/profile";

/// pprof's timeout when neither `--timeout` nor `seconds` says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// One profile argument, as pprof decides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(String),
    Url(Url),
}

/// A URL source, normalised as `go tool pprof` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// `http`, `https` or `https+insecure` (lower case); others fail when fetched, as in pprof.
    pub scheme: String,
    /// `user:password` before the `@`, sent as Basic auth.
    pub userinfo: Option<String>,
    /// The host and optional port as typed (`[::1]:6060`, `:6060`).
    pub host: String,
    pub path: String,
    /// Decoded key/value pairs, sorted by key (values of one key keep their order).
    pub query: Vec<(String, String)>,
    pub fragment: Option<String>,
}

/// `--seconds` and `--timeout` as given (values ≤ 0 mean "not given", as in pprof).
#[derive(Debug, Clone, Copy, Default)]
pub struct FetchTiming {
    pub seconds: Option<i64>,
    pub timeout: Option<i64>,
}

impl Source {
    /// Decides between URL and file as `go tool pprof` does: try the argument as a URL, then
    /// with `http://` in front; anything without a host (and `file:` names) is a file.
    pub fn parse(arg: &str) -> Source {
        match parse_url(arg).or_else(|| retry_with_http(arg)) {
            Some(url) => Source::Url(url),
            None => Source::File(arg.to_string()),
        }
    }
}

/// The argument as a URL when it has a scheme and a host (`http://h:1/x`).
fn parse_url(arg: &str) -> Option<Url> {
    let (scheme, rest) = arg.split_once("://")?;
    if !is_scheme(scheme) || scheme.eq_ignore_ascii_case("file") {
        return None;
    }
    parse_after_scheme(&scheme.to_ascii_lowercase(), rest)
}

/// Go's parser fails on `127.0.0.1:6060` and reads `localhost:6060` as a scheme without a
/// host; pprof then tries `http://` + the argument. A `/` before the first `:` means a path.
fn retry_with_http(arg: &str) -> Option<Url> {
    if arg.contains("://") {
        return None;
    }
    let colon = arg.find(':')?;
    if arg[..colon].contains('/') || arg[..colon].eq_ignore_ascii_case("file") {
        return None;
    }
    parse_after_scheme("http", arg)
}

fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// Parses `[userinfo@]host[:port][/path][?query][#fragment]`.
fn parse_after_scheme(scheme: &str, rest: &str) -> Option<Url> {
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f.to_string())),
        None => (rest, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, parse_query(q)),
        None => (rest, Vec::new()),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let (userinfo, host) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u.to_string()), h),
        None => (None, authority),
    };
    if host.is_empty() || !valid_host_port(host) {
        return None;
    }
    let path = if path.is_empty() || path == "/" {
        DEFAULT_PATH.to_string()
    } else {
        path.to_string()
    };
    Some(Url {
        scheme: scheme.to_string(),
        userinfo,
        host: host.to_string(),
        path,
        query,
        fragment,
    })
}

/// `host`, `host:port`, `:port`, `[v6]` or `[v6]:port`; the port is digits or empty, as Go's
/// parser accepts.
fn valid_host_port(s: &str) -> bool {
    let (host, port) = if let Some(v6) = s.strip_prefix('[') {
        match v6.split_once(']') {
            Some((addr, after)) => {
                if addr.is_empty()
                    || !addr
                        .chars()
                        .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
                {
                    return false;
                }
                match after.strip_prefix(':') {
                    Some(port) => ("v6", port),
                    None if after.is_empty() => ("v6", ""),
                    None => return false,
                }
            }
            None => return false,
        }
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (h, p),
            None => (s, ""),
        }
    };
    let host_ok = host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-._~%!$&'()*+,;=".contains(c));
    host_ok && port.chars().all(|c| c.is_ascii_digit())
}

/// Go's `ParseQuery`: `&`-separated `key=value` pairs, `+` as space, `%XX` decoded; pairs that
/// fail to decode (or hold `;`) are dropped. The result is sorted by key, as `Encode` writes it.
fn parse_query(q: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = q
        .split('&')
        .filter(|p| !p.is_empty() && !p.contains(';'))
        .filter_map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            Some((unescape(k)?, unescape(v)?))
        })
        .collect();
    pairs.sort_by(|a, b| a.0.cmp(&b.0)); // stable: values of one key keep their order
    pairs
}

fn unescape(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Go's `QueryEscape`: unreserved bytes stay, space becomes `+`, the rest `%XX`.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl Url {
    /// Applies `--seconds`: N > 0 replaces every `seconds` value, as pprof does.
    pub fn with_seconds(mut self, timing: FetchTiming) -> Url {
        if let Some(n) = timing.seconds.filter(|&n| n > 0) {
            self.query.retain(|(k, _)| k != "seconds");
            self.query.push(("seconds".to_string(), n.to_string()));
            self.query.sort_by(|a, b| a.0.cmp(&b.0));
        }
        self
    }

    /// pprof's timeout T: `--timeout` if given, else 1.5 × seconds (the flag's, else the URL's
    /// when it is a 32-bit integer), else 60 s. The fetch as a whole gets T + 5 s.
    pub fn timeout(&self, timing: FetchTiming) -> Duration {
        if let Some(t) = timing.timeout.filter(|&t| t > 0) {
            return Duration::from_secs(t.unsigned_abs());
        }
        let from_url = self
            .query
            .iter()
            .find(|(k, _)| k == "seconds")
            .and_then(|(_, v)| v.parse::<i32>().ok())
            .map(i64::from);
        match timing.seconds.filter(|&n| n > 0).or(from_url) {
            Some(s) if s > 0 => Duration::from_millis(s.unsigned_abs().saturating_mul(1500)),
            _ => DEFAULT_TIMEOUT,
        }
    }

    /// The query as Go's `Values.Encode` writes it.
    fn encoded_query(&self) -> String {
        self.query
            .iter()
            .map(|(k, v)| format!("{}={}", escape(k), escape(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    fn with_query(&self, mut s: String) -> String {
        if !self.query.is_empty() {
            s.push('?');
            s.push_str(&self.encoded_query());
        }
        s
    }

    /// The URL as pprof prints it: original scheme, userinfo, query and fragment.
    pub fn display(&self) -> String {
        let user = self
            .userinfo
            .as_deref()
            .map(|u| format!("{u}@"))
            .unwrap_or_default();
        let mut s = self.with_query(format!(
            "{}://{user}{}{}",
            self.scheme, self.host, self.path
        ));
        if let Some(f) = &self.fragment {
            s.push('#');
            s.push_str(f);
        }
        s
    }

    /// The URL to request: `https+insecure` as `https`, an empty host as `localhost` (Go dials
    /// the local host for `:6060`), no fragment.
    pub fn request_url(&self) -> String {
        let scheme = if self.insecure() {
            "https"
        } else {
            &self.scheme
        };
        let host = if self.host.starts_with(':') {
            format!("localhost{}", self.host)
        } else {
            self.host.clone()
        };
        let user = self
            .userinfo
            .as_deref()
            .map(|u| format!("{u}@"))
            .unwrap_or_default();
        self.with_query(format!("{scheme}://{user}{host}{}", self.path))
    }

    /// `https+insecure://`: TLS without certificate verification.
    pub fn insecure(&self) -> bool {
        self.scheme == "https+insecure"
    }

    /// A loopback host, which Go never sends through a proxy.
    pub fn is_loopback(&self) -> bool {
        let host = match self.host.rsplit_once(':') {
            Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) && !h.ends_with(':') => h,
            _ => &self.host,
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        host.is_empty()
            || host.eq_ignore_ascii_case("localhost")
            || host.starts_with("127.")
            || host == "::1"
    }

    /// A `debug=N` (N ≠ 0) query, which asks net/http/pprof for text instead of protobuf.
    pub fn asks_for_text(&self) -> bool {
        self.query.iter().any(|(k, v)| k == "debug" && v != "0")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(arg: &str) -> String {
        match Source::parse(arg) {
            Source::Url(u) => u.display(),
            Source::File(f) => format!("file {f}"),
        }
    }

    // The rows of go tool pprof 1.19's behaviour, as observed (see the fetch research note).
    #[test]
    fn decides_like_go_tool_pprof() {
        let cases = [
            (
                "localhost:6060",
                "http://localhost:6060/debug/pprof/profile",
            ),
            (
                "localhost:6060/",
                "http://localhost:6060/debug/pprof/profile",
            ),
            ("http://h:6060", "http://h:6060/debug/pprof/profile"),
            (
                "127.0.0.1:6060/debug/pprof/heap",
                "http://127.0.0.1:6060/debug/pprof/heap",
            ),
            ("[::1]:6060", "http://[::1]:6060/debug/pprof/profile"),
            (":6060", "http://:6060/debug/pprof/profile"),
            (
                "https+insecure://h:6443",
                "https+insecure://h:6443/debug/pprof/profile",
            ),
            ("h:6060/x?b=2&a=1", "http://h:6060/x?a=1&b=2"),
            ("HTTP://H:1/x", "http://H:1/x"),
            (
                "user:pw@h:6060/debug/pprof/heap",
                "http://user:pw@h:6060/debug/pprof/heap",
            ),
            ("h:6060/p#frag", "http://h:6060/p#frag"),
            ("grpc://h:1/x", "grpc://h:1/x"),
            ("h:1/x?q=a+b&r=%2F", "http://h:1/x?q=a+b&r=%2F"),
            ("localhost", "file localhost"),
            ("host/debug/pprof/heap", "file host/debug/pprof/heap"),
            ("h:abc", "file h:abc"),
            ("./h:6060", "file ./h:6060"),
            ("cpu.pb.gz", "file cpu.pb.gz"),
            ("/tmp/a.pb.gz", "file /tmp/a.pb.gz"),
            ("file:///tmp/a.pb.gz", "file file:///tmp/a.pb.gz"),
        ];
        for (arg, want) in cases {
            assert_eq!(url(arg), want, "{arg}");
        }
    }

    #[test]
    fn seconds_flag_sets_the_query_and_the_timeout() {
        let Source::Url(u) = Source::parse("h:1/debug/pprof/heap?seconds=3&a=1") else {
            panic!("not a URL")
        };
        let none = FetchTiming::default();
        assert_eq!(u.timeout(none), Duration::from_millis(4500));
        let five = FetchTiming {
            seconds: Some(5),
            timeout: None,
        };
        let u5 = u.clone().with_seconds(five);
        assert_eq!(u5.display(), "http://h:1/debug/pprof/heap?a=1&seconds=5");
        assert_eq!(u5.timeout(five), Duration::from_millis(7500));
        let t = FetchTiming {
            seconds: Some(5),
            timeout: Some(2),
        };
        assert_eq!(u5.timeout(t), Duration::from_secs(2));
        let Source::Url(plain) = Source::parse("h:1") else {
            panic!("not a URL")
        };
        assert_eq!(plain.timeout(none), Duration::from_secs(60));
        let Source::Url(bad) = Source::parse("h:1/x?seconds=1.5") else {
            panic!("not a URL")
        };
        assert_eq!(bad.timeout(none), Duration::from_secs(60));
    }

    #[test]
    fn request_url_rewrites_what_ureq_cannot_take() {
        let Source::Url(u) = Source::parse("https+insecure://h:6443/x#f") else {
            panic!("not a URL")
        };
        assert!(u.insecure());
        assert_eq!(u.request_url(), "https://h:6443/x");
        let Source::Url(u) = Source::parse(":6060") else {
            panic!("not a URL")
        };
        assert_eq!(u.request_url(), "http://localhost:6060/debug/pprof/profile");
        assert!(u.is_loopback());
    }
}
