//! URL sources, `profdiff web` and `profdiff html` against a test HTTP server on 127.0.0.1
//! (std::net, one thread per connection, every loop bounded): a gzipped and a raw protobuf
//! profile, a 404, an HTML page, a response that never comes, an endless body, a gzip bomb,
//! redirects and a request gate that only opens when two fetches run at once.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

/// No test connection lives longer than this.
const MAX_CONNECTION: Duration = Duration::from_secs(20);

fn example(name: &str) -> Vec<u8> {
    std::fs::read(common::repo_dir().join("examples").join(name)).expect("example profile")
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    GzDecoder::new(bytes).read_to_end(&mut out).expect("gunzip");
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(bytes).expect("gzip to memory");
    enc.finish().expect("gzip to memory")
}

/// What the server answers, by path.
#[derive(Clone)]
enum Reply {
    Ok(&'static str, Vec<u8>),
    Status(u16, &'static str, &'static str, Vec<u8>),
    Redirect(String),
    /// Reads the request and answers nothing until the connection is closed (bounded).
    Silent,
    /// Sends headers, then body bytes until the client stops reading (bounded).
    Endless,
    /// Answers only once two requests wait here at the same time; alone, it gives up (500).
    Pair(Vec<u8>),
}

struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    /// Request targets (path and query) in arrival order.
    seen: Arc<Mutex<Vec<String>>>,
    accept: Option<thread::JoinHandle<()>>,
}

impl Server {
    fn start(routes: HashMap<String, Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("addr");
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let waiting = Arc::new(AtomicUsize::new(0));
        let routes = Arc::new(routes);
        let (stop2, seen2) = (stop.clone(), seen.clone());
        let accept = thread::spawn(move || {
            let started = Instant::now();
            while !stop2.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(120) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (routes, seen, stop, waiting) = (
                            routes.clone(),
                            seen2.clone(),
                            stop2.clone(),
                            waiting.clone(),
                        );
                        thread::spawn(move || serve(stream, &routes, &seen, &stop, &waiting));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            addr,
            stop,
            seen,
            accept: Some(accept),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().expect("lock").clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

fn serve(
    stream: TcpStream,
    routes: &HashMap<String, Reply>,
    seen: &Mutex<Vec<String>>,
    stop: &AtomicBool,
    waiting: &AtomicUsize,
) {
    let _ = stream.set_read_timeout(Some(MAX_CONNECTION));
    let _ = stream.set_write_timeout(Some(MAX_CONNECTION));
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // The headers, up to the blank line (at most 100 lines).
    for _ in 0..100 {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) if line == "\r\n" => break,
            Ok(_) => {}
        }
    }
    let target = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .to_string();
    seen.lock().expect("lock").push(target.clone());
    let path = target.split('?').next().unwrap_or("").to_string();
    let mut out = stream;
    let head = |status: &str, ctype: &str, extra: &str, len: Option<usize>| {
        let len = len
            .map(|n| format!("Content-Length: {n}\r\n"))
            .unwrap_or_default();
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n{extra}{len}Connection: close\r\n\r\n"
        )
    };
    match routes.get(&path).cloned() {
        None => {
            let body = b"404 page not found\n";
            let _ =
                out.write_all(head("404 Not Found", "text/plain", "", Some(body.len())).as_bytes());
            let _ = out.write_all(body);
        }
        Some(Reply::Ok(ctype, body)) => {
            let _ = out.write_all(head("200 OK", ctype, "", Some(body.len())).as_bytes());
            let _ = out.write_all(&body);
        }
        Some(Reply::Status(code, reason, ctype, body)) => {
            let status = format!("{code} {reason}");
            let _ = out
                .write_all(head(&status, ctype, "X-Go-Pprof: 1\r\n", Some(body.len())).as_bytes());
            let _ = out.write_all(&body);
        }
        Some(Reply::Redirect(to)) => {
            let extra = format!("Location: {to}\r\n");
            let _ = out.write_all(head("302 Found", "text/plain", &extra, Some(0)).as_bytes());
        }
        Some(Reply::Silent) => {
            let started = Instant::now();
            let mut buf = [0u8; 64];
            let _ = reader
                .get_ref()
                .set_read_timeout(Some(Duration::from_millis(100)));
            while !stop.load(Ordering::Relaxed) && started.elapsed() < MAX_CONNECTION {
                match reader.read(&mut buf) {
                    Ok(0) => return, // the client gave up
                    Ok(_) => {}
                    Err(e)
                        if e.kind() == std::io::ErrorKind::WouldBlock
                            || e.kind() == std::io::ErrorKind::TimedOut => {}
                    Err(_) => return,
                }
            }
        }
        Some(Reply::Endless) => {
            let _ = out.write_all(head("200 OK", "application/octet-stream", "", None).as_bytes());
            let chunk = vec![0x68u8; 64 << 10];
            // At most 1 GiB: far past any limit the tests set; the client hangs up first.
            for _ in 0..(1 << 14) {
                if stop.load(Ordering::Relaxed) || out.write_all(&chunk).is_err() {
                    return;
                }
            }
        }
        Some(Reply::Pair(body)) => {
            waiting.fetch_add(1, Ordering::SeqCst);
            let started = Instant::now();
            while waiting.load(Ordering::SeqCst) < 2 && started.elapsed() < Duration::from_secs(5) {
                thread::sleep(Duration::from_millis(10));
            }
            if waiting.load(Ordering::SeqCst) >= 2 {
                let _ = out.write_all(
                    head("200 OK", "application/octet-stream", "", Some(body.len())).as_bytes(),
                );
                let _ = out.write_all(&body);
            } else {
                let body = b"the other fetch never came\n";
                let _ = out.write_all(
                    head(
                        "500 Internal Server Error",
                        "text/plain",
                        "",
                        Some(body.len()),
                    )
                    .as_bytes(),
                );
                let _ = out.write_all(body);
            }
        }
    }
}

/// The routes every test serves.
fn routes() -> HashMap<String, Reply> {
    let a = example("gateway-a.pb.gz");
    let b = example("gateway-b.pb.gz");
    // A gzip bomb that is a valid protobuf as far as it goes: 64 MiB of empty `comment` fields
    // (field 13, varint 0) in about 64 KB.
    let bomb = gzip(&[0x68u8, 0x00].repeat(32 << 20));
    let index = b"<!DOCTYPE html>\n<html><head><title>/debug/pprof/</title></head><body>Types of profiles available</body></html>\n".to_vec();
    let mut r = HashMap::new();
    r.insert(
        "/debug/pprof/heap".into(),
        Reply::Ok("application/octet-stream", a.clone()),
    );
    r.insert(
        "/b/debug/pprof/heap".into(),
        Reply::Ok("application/octet-stream", b),
    );
    r.insert(
        "/raw".into(),
        Reply::Ok("application/octet-stream", gunzip(&a)),
    );
    r.insert(
        "/debug/pprof/nosuch".into(),
        Reply::Status(
            404,
            "Not Found",
            "text/plain; charset=utf-8",
            b"Unknown profile\n".to_vec(),
        ),
    );
    r.insert(
        "/debug/pprof/".into(),
        Reply::Ok("text/html; charset=utf-8", index),
    );
    r.insert("/slow".into(), Reply::Silent);
    r.insert("/endless".into(), Reply::Endless);
    r.insert("/bomb".into(), Reply::Ok("application/octet-stream", bomb));
    r.insert("/hop/3".into(), Reply::Redirect("/hop/2".into()));
    r.insert("/hop/2".into(), Reply::Redirect("/hop/1".into()));
    r.insert("/hop/1".into(), Reply::Redirect("/debug/pprof/heap".into()));
    r.insert("/loop".into(), Reply::Redirect("/loop".into()));
    r.insert("/pair".into(), Reply::Pair(a));
    r.insert(
        "/debug/pprof/goroutine".into(),
        Reply::Ok(
            "text/plain; charset=utf-8",
            GOROUTINE_TEXT.as_bytes().to_vec(),
        ),
    );
    r
}

/// What net/http/pprof's `goroutine?debug=1` sends (Go 1.19's format).
const GOROUTINE_TEXT: &str = "goroutine profile: total 2
1 @ 0x43a1f6 0x4686c5 0x4c6e05 0x4c6c5a 0x4c5f9d 0x4c5c2e 0x4c5b85 0x6a1c6f 0x46c7e1
#\t0x4686c4\truntime/pprof.runtime_goroutineProfileWithLabels+0x24\t/usr/lib/go-1.19/src/runtime/mprof.go:846
#\t0x6a1c6e\tmain.main+0x2e\t/app/main.go:12

1 @ 0x43a1f6 0x44a3d2 0x46c7e1
#\t0x44a3d1\truntime.gopark+0x31\t/usr/lib/go-1.19/src/runtime/proc.go:363

";

/// A fresh directory under the target dir (kept for inspection, replaced on the next run).
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("url_sources")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Runs profdiff with saved profiles going to `save_dir` and temp files to `save_dir/tmp`;
/// no display and no BROWSER, so nothing is ever opened.
fn profdiff_in(save_dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let tmp = save_dir.join("tmp");
    std::fs::create_dir_all(&tmp).expect("tmp dir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_profdiff"));
    cmd.args(args)
        .current_dir(common::repo_dir())
        .env("PPROF_TMPDIR", save_dir)
        .env("TMPDIR", &tmp)
        .env_remove("BROWSER")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().expect("run profdiff")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The one `profdiff:` line of a failed run (and that there is exactly one).
fn one_error(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("profdiff:")).collect();
    assert_eq!(lines.len(), 1, "stderr: {err}");
    assert!(!err.contains("panicked"), "stderr: {err}");
    lines[0].to_string()
}

/// `Saved profile in PATH` lines, in order.
fn saved_paths(out: &Output) -> Vec<PathBuf> {
    text(&out.stderr)
        .lines()
        .filter_map(|l| l.strip_prefix("Saved profile in "))
        .map(PathBuf::from)
        .collect()
}

const HEAP_NAME: &str = "pprof.gateway.alloc_objects.alloc_space.inuse_objects.inuse_space.";

#[test]
fn a_gzipped_profile_is_fetched_reported_and_saved_as_pprof_saves_it() {
    let server = Server::start(routes());
    let dir = scratch("gzipped");
    let url = server.url("/debug/pprof/heap");
    let out = profdiff_in(&dir, &["top", &url], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let from_file = profdiff_in(&dir, &["top", "examples/gateway-a.pb.gz"], &[]);
    assert_eq!(text(&out.stdout), text(&from_file.stdout));
    let err = text(&out.stderr);
    assert!(
        err.starts_with(&format!("Fetching profile over HTTP from {url}\n")),
        "{err}"
    );
    // pprof's name: the mapping's base name, each sample type, a counter from 001.
    let saved = saved_paths(&out);
    assert_eq!(saved, vec![dir.join(format!("{HEAP_NAME}001.pb.gz"))]);
    assert_eq!(
        std::fs::read(&saved[0]).expect("saved"),
        example("gateway-a.pb.gz")
    );
    // The next fetch takes the next number.
    let again = profdiff_in(&dir, &["top", &url], &[]);
    assert_eq!(
        saved_paths(&again),
        vec![dir.join(format!("{HEAP_NAME}002.pb.gz"))]
    );
}

#[test]
fn a_raw_protobuf_profile_is_saved_gzipped() {
    let server = Server::start(routes());
    let dir = scratch("raw");
    let out = profdiff_in(&dir, &["top", &server.url("/raw")], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let from_file = profdiff_in(&dir, &["top", "examples/gateway-a.pb.gz"], &[]);
    assert_eq!(text(&out.stdout), text(&from_file.stdout));
    let saved = saved_paths(&out);
    assert_eq!(saved, vec![dir.join(format!("{HEAP_NAME}001.pb.gz"))]);
    let bytes = std::fs::read(&saved[0]).expect("saved");
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "the saved copy is gzip");
    let reread = profdiff_in(&dir, &["top", saved[0].to_str().expect("utf-8")], &[]);
    assert_eq!(text(&reread.stdout), text(&from_file.stdout));
}

#[test]
fn diff_of_two_urls_equals_diff_of_the_saved_files() {
    let server = Server::start(routes());
    let dir = scratch("diff");
    // One side in pprof's host:port/path shorthand.
    let a = format!("{}/debug/pprof/heap", server.addr);
    let b = server.url("/b/debug/pprof/heap");
    let out = profdiff_in(&dir, &["diff", &a, &b], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let saved = saved_paths(&out);
    assert_eq!(
        saved,
        vec![
            dir.join(format!("{HEAP_NAME}001.pb.gz")),
            dir.join(format!("{HEAP_NAME}002.pb.gz"))
        ]
    );
    let (sa, sb) = (
        saved[0].to_str().expect("utf-8"),
        saved[1].to_str().expect("utf-8"),
    );
    let from_files = profdiff_in(&dir, &["diff", sa, sb], &[]);
    assert!(from_files.status.success());
    // The header names the sources: the normalised URLs there, the saved paths here.
    let expected = text(&from_files.stdout)
        .replace(sa, &format!("http://{a}"))
        .replace(sb, &b);
    assert_eq!(text(&out.stdout), expected);
    assert_eq!(
        std::fs::read(&saved[1]).expect("saved"),
        example("gateway-b.pb.gz")
    );
}

#[test]
fn both_sides_of_a_diff_are_fetched_at_once() {
    // /pair answers only while two requests wait on it together.
    let server = Server::start(routes());
    let dir = scratch("pair");
    let url = server.url("/pair");
    let out = profdiff_in(&dir, &["diff", &url, &url], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        server.seen(),
        vec!["/pair".to_string(), "/pair".to_string()]
    );
}

#[test]
fn status_errors_name_the_status_and_the_body_line() {
    let server = Server::start(routes());
    let dir = scratch("status");
    let url = server.url("/debug/pprof/nosuch");
    let line = one_error(&profdiff_in(&dir, &["top", &url], &[]));
    assert_eq!(
        line,
        format!("profdiff: {url}: server response: 404 Not Found - Unknown profile")
    );
    assert!(
        std::fs::read_dir(&dir)
            .expect("dir")
            .all(|e| e.expect("entry").file_name() == "tmp")
    );
}

#[test]
fn an_html_page_is_not_a_profile() {
    let server = Server::start(routes());
    let dir = scratch("html-page");
    // host:port alone means /debug/pprof/profile, which this server does not have; name the
    // index page instead.
    let url = server.url("/debug/pprof/");
    let line = one_error(&profdiff_in(&dir, &["top", &url], &[]));
    assert_eq!(
        line,
        format!(
            "profdiff: {url}: not a profile: the server sent an HTML page (name a profile, e.g. /debug/pprof/heap)"
        )
    );
}

#[test]
fn a_server_that_never_answers_times_out() {
    let server = Server::start(routes());
    let dir = scratch("slow");
    let url = server.url("/slow");
    let started = Instant::now();
    let line = one_error(&profdiff_in(&dir, &["top", "--timeout=1", &url], &[]));
    assert_eq!(
        line,
        format!("profdiff: {url}: Get \"{url}\": timed out after 6s (--timeout)")
    );
    // Bounded: T + 5 s, far below the server's own 20 s.
    assert!(
        started.elapsed() < MAX_CONNECTION,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn an_endless_body_is_cut_at_max_size() {
    let server = Server::start(routes());
    let dir = scratch("endless");
    let url = server.url("/endless");
    let line = one_error(&profdiff_in(&dir, &["top", "--max-size=1MiB", &url], &[]));
    assert_eq!(
        line,
        format!(
            "profdiff: {url}: the response is larger than 1048576 bytes (raise --max-size to accept it)"
        )
    );
}

#[test]
fn a_gzip_bomb_is_cut_while_inflating() {
    let server = Server::start(routes());
    let dir = scratch("bomb");
    let url = server.url("/bomb");
    let line = one_error(&profdiff_in(&dir, &["top", "--max-size=16MiB", &url], &[]));
    assert_eq!(
        line,
        format!(
            "profdiff: {url}: decompressing profile: the profile inflates to more than 16777216 bytes (raise --max-size to accept it)"
        )
    );
}

#[test]
fn a_refused_connection_is_one_line() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    }; // closed again: nothing listens there now
    let dir = scratch("refused");
    let arg = format!("127.0.0.1:{port}");
    let line = one_error(&profdiff_in(&dir, &["info", &arg], &[]));
    assert_eq!(
        line,
        format!("profdiff: {arg}: Get \"http://{arg}/debug/pprof/profile\": connection refused")
    );
}

#[test]
fn redirects_are_followed_up_to_ten() {
    let server = Server::start(routes());
    let dir = scratch("redirects");
    let out = profdiff_in(&dir, &["top", &server.url("/hop/3")], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let url = server.url("/loop");
    let line = one_error(&profdiff_in(&dir, &["top", &url], &[]));
    assert_eq!(
        line,
        format!("profdiff: {url}: Get \"{url}\": stopped after 10 redirects")
    );
}

#[test]
fn seconds_is_set_on_the_url_as_pprof_sets_it() {
    let server = Server::start(routes());
    let dir = scratch("seconds");
    let url = server.url("/debug/pprof/heap?seconds=30&gc=1");
    let out = profdiff_in(&dir, &["top", "--seconds=2", &url], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        server.seen(),
        vec!["/debug/pprof/heap?gc=1&seconds=2".to_string()]
    );
    let expected = format!(
        "Fetching profile over HTTP from {}\nPlease wait... (2s)\n",
        server.url("/debug/pprof/heap?gc=1&seconds=2")
    );
    assert!(
        text(&out.stderr).starts_with(&expected),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn text_endpoints_go_to_the_normal_decoder() {
    // Whatever the decoder says of these bytes as a file, it says of them fetched: a table
    // once text profiles are read, else the decoder's error with a hint about ?debug=.
    let server = Server::start(routes());
    let dir = scratch("debug-text");
    let file = dir.join("goroutine.txt");
    std::fs::write(&file, GOROUTINE_TEXT).expect("write");
    let from_file = profdiff_in(&dir, &["top", file.to_str().expect("utf-8")], &[]);
    let url = server.url("/debug/pprof/goroutine?debug=1");
    let fetched = profdiff_in(&dir, &["top", &url], &[]);
    assert_eq!(fetched.status.code(), from_file.status.code());
    if from_file.status.success() {
        assert_eq!(text(&fetched.stdout), text(&from_file.stdout));
        assert_eq!(
            saved_paths(&fetched),
            vec![dir.join("pprof.goroutine.001.pb.gz")]
        );
    } else {
        let file_line = one_error(&from_file);
        let problem = file_line
            .strip_prefix(&format!("profdiff: {}: ", file.display()))
            .expect("names the file");
        assert_eq!(
            one_error(&fetched),
            format!(
                "profdiff: {url}: {problem} (?debug=N asks for text; drop it for the protobuf profile)"
            )
        );
    }
}

#[test]
fn https_insecure_speaks_tls() {
    // The test server speaks plain HTTP, so the TLS handshake fails; the scheme is accepted and
    // turned into https (an unknown scheme would say so).
    let server = Server::start(routes());
    let dir = scratch("insecure");
    let arg = format!("https+insecure://{}/debug/pprof/heap", server.addr);
    let line = one_error(&profdiff_in(&dir, &["top", "--timeout=2", &arg], &[]));
    assert!(
        line.starts_with(&format!("profdiff: {arg}: Get \"{arg}\": ")),
        "{line}"
    );
    assert!(!line.contains("unsupported protocol scheme"), "{line}");
}

// ---- the page ---------------------------------------------------------------------------------

/// make test builds with the page (PROFDIFF_PAGE); a plain `cargo test` build has none.
fn build_has_page() -> bool {
    std::env::var_os("PROFDIFF_PAGE").is_some_and(|p| !p.is_empty())
}

/// The JSON data block of a written page.
fn embedded(html: &str) -> serde_json::Value {
    let open = "<script type=\"application/json\" id=\"profdiff-embedded\">";
    let start = html.find(open).expect("data block") + open.len();
    let end = start + html[start..].find("</script>").expect("end of data block");
    serde_json::from_str(&html[start..end]).expect("JSON")
}

fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let mut out = Vec::new();
    for chunk in s.as_bytes().chunks(4) {
        let pads = chunk.iter().filter(|&&c| c == b'=').count();
        let n = chunk
            .iter()
            .filter(|&&c| c != b'=')
            .enumerate()
            .fold(0u32, |n, (i, &c)| n | value(c) << (18 - 6 * i));
        out.extend_from_slice(&n.to_be_bytes()[1..4 - pads]);
    }
    out
}

fn csp(html: &str) -> &str {
    let tag = "<meta http-equiv=\"Content-Security-Policy\" content=\"";
    let start = html.find(tag).expect("CSP") + tag.len();
    &html[start..start + html[start..].find('"').expect("end of CSP")]
}

#[test]
fn html_embeds_the_fetched_profiles_with_the_view_preset() {
    let server = Server::start(routes());
    let dir = scratch("html");
    let report = dir.join("report.html");
    let (a, b) = (
        server.url("/debug/pprof/heap"),
        server.url("/b/debug/pprof/heap"),
    );
    let args = [
        "html",
        "--sample-index=inuse_space",
        "--focus=flate",
        &a,
        &b,
        "-o",
        report.to_str().expect("utf-8"),
    ];
    let out = profdiff_in(&dir, &args, &[]);
    if !build_has_page() {
        let line = one_error(&out);
        assert!(
            line.contains("built without the page") && line.contains("make build"),
            "{line}"
        );
        return;
    }
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(saved_paths(&out).len(), 2);
    let html = std::fs::read_to_string(&report).expect("report");
    let dist = std::fs::read_to_string(
        common::repo_dir().join(std::env::var("PROFDIFF_PAGE").expect("set")),
    )
    .expect("dist page");
    assert_eq!(csp(&html), csp(&dist), "the CSP is the page's own");
    let data = embedded(&html);
    assert_eq!(data["schemaVersion"], 1);
    assert_eq!(data["params"]["view"], "compare");
    assert_eq!(data["params"]["si"], "inuse_space");
    assert_eq!(data["params"]["focus"], "flate");
    assert_eq!(data["slots"]["a"][0]["name"], a.as_str());
    assert_eq!(data["slots"]["b"][0]["name"], b.as_str());
    assert_eq!(data["slots"]["a"][0]["time"], "2026-11-26 20:03:09 UTC");
    let a_bytes = base64_decode(data["slots"]["a"][0]["base64"].as_str().expect("base64"));
    assert_eq!(a_bytes, example("gateway-a.pb.gz"));
    assert_eq!(data["slots"]["a"][0]["size"], a_bytes.len());
}

#[test]
fn strip_labels_removes_label_values_before_embedding() {
    let dir = scratch("strip");
    let report = dir.join("report.html");
    let args = |strip: bool| {
        let mut v = vec![
            "html",
            "examples/gateway-a.pb.gz",
            "-o",
            report.to_str().expect("utf-8"),
        ];
        if strip {
            v.push("--strip-labels");
        }
        v.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let count_labels = |strip: bool| -> usize {
        let a: Vec<String> = args(strip);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let out = profdiff_in(&dir, &a, &[]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let data = embedded(&std::fs::read_to_string(&report).expect("report"));
        assert_eq!(data["labelsStripped"], strip);
        assert_eq!(data["params"]["view"], "top-a");
        let bytes = base64_decode(data["slots"]["a"][0]["base64"].as_str().expect("base64"));
        let p = profdiff::decode(&bytes, &profdiff::Limits::default()).expect("decodes");
        (0..p.samples.len())
            .map(|i| p.samples.labels(i).len())
            .sum()
    };
    if !build_has_page() {
        let a = args(false);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        one_error(&profdiff_in(&dir, &a, &[]));
        return;
    }
    // Go heap profiles label each sample with its allocation size.
    assert!(count_labels(false) > 0);
    assert_eq!(count_labels(true), 0);
}

#[test]
fn web_no_browser_prints_the_path_and_opens_nothing() {
    let dir = scratch("web");
    let marker = dir.join("opened");
    let browser = dir.join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\necho \"$@\" > {}\n", marker.display()),
    )
    .expect("script");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let browser_env = [("BROWSER", browser.to_str().expect("utf-8"))];
    let pair = ["examples/gateway-a.pb.gz", "examples/gateway-b.pb.gz"];
    let out = profdiff_in(
        &dir,
        &["web", "--no-browser", pair[0], pair[1]],
        &browser_env,
    );
    if !build_has_page() {
        one_error(&out);
        return;
    }
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    let path = PathBuf::from(printed.trim_end());
    assert_eq!(printed, format!("{}\n", path.display()), "the path alone");
    assert_eq!(path, dir.join("tmp/profdiff.gateway.compare.001.html"));
    assert!(
        embedded(&std::fs::read_to_string(&path).expect("page"))["slots"]["b"][0]["name"]
            == pair[1]
    );
    thread::sleep(Duration::from_millis(300));
    assert!(!marker.exists(), "--no-browser started the browser");

    // Without --no-browser, $BROWSER gets the path (as pprof hands it to its opener).
    let out = profdiff_in(&dir, &["diff", "--web", pair[0], pair[1]], &browser_env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let second = dir.join("tmp/profdiff.gateway.compare.002.html");
    assert!(text(&out.stderr).contains(&format!("Page written to {}", second.display())));
    let started = Instant::now();
    while !marker.exists() && started.elapsed() < Duration::from_secs(10) {
        thread::sleep(Duration::from_millis(20));
    }
    thread::sleep(Duration::from_millis(100));
    let opened = std::fs::read_to_string(&marker).expect("the browser script ran");
    assert_eq!(opened.trim_end(), second.display().to_string());
}

/// `--web` on flame and memstats writes the page on their own views (the file name says which).
#[test]
fn flame_and_memstats_take_web_too() {
    let dir = scratch("web-views");
    let cases: [(&[&str], &str); 2] = [
        (
            &[
                "flame",
                "--web",
                "--no-browser",
                "examples/gateway-a.pb.gz",
                "examples/gateway-b.pb.gz",
            ],
            "gateway.flame.001.html",
        ),
        (
            &[
                "memstats",
                "--web",
                "--no-browser",
                "tests/fixtures/gotext/a/heap.txt",
                "tests/fixtures/gotext/b/heap.txt",
            ],
            ".memory.",
        ),
    ];
    for (args, want) in cases {
        let out = profdiff_in(&dir, args, &[]);
        if !build_has_page() {
            one_error(&out);
            continue;
        }
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        let printed = text(&out.stdout);
        let path = PathBuf::from(printed.trim_end());
        assert!(
            path.display().to_string().contains(want),
            "{args:?} wrote {}",
            path.display()
        );
        let page = embedded(&std::fs::read_to_string(&path).expect("page"));
        assert!(!page["slots"]["a"].as_array().expect("slot a").is_empty());
        assert!(!page["slots"]["b"].as_array().expect("slot b").is_empty());
    }
}
