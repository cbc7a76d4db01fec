//! Reading the profiles a command names: files are read, URLs fetched, all at once (one thread
//! per source, as pprof grabs its sources concurrently), then decoded by the normal decoder.
//! Fetched profiles are saved as pprof saves them (`$PPROF_TMPDIR`, else `$HOME/pprof`, else
//! the temp dir; `pprof.<binary>.<types>.NNN.pb.gz`), one file per fetched source.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use profdiff::{Limits, Profile};

use crate::fetch::{self, go_duration};
use crate::source::{FetchTiming, Source};

/// Sources read at once (pprof's `chunkedGrab` uses 64 too).
const CHUNK: usize = 64;

/// How to read sources: decode limits and the fetch flags.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    pub limits: Limits,
    pub timing: FetchTiming,
    /// How Go's debug=1 texts are read (`--pprof-text`).
    pub go_text: profdiff::GoText,
}

/// One source, read and decoded.
pub struct Loaded {
    /// What reports call it: the path as given, or the normalised URL.
    pub name: String,
    /// The bytes as read or received.
    pub bytes: Vec<u8>,
    pub profile: Profile,
    fetched: bool,
}

/// Reads every source concurrently. The first failure in argument order is the error, worded
/// `ARG: problem`; fetched profiles are saved once all have loaded.
pub fn load_all(args: &[&Path], opts: ReadOptions) -> Result<Vec<Loaded>, String> {
    let mut loaded = Vec::with_capacity(args.len());
    // pprof grabs in chunks of 64; so does this, to bound threads and memory in flight.
    for chunk in args.chunks(CHUNK) {
        let results: Vec<Result<Loaded, String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|arg| scope.spawn(move || load_one(arg, opts)))
                .collect();
            handles
                .into_iter()
                .zip(chunk)
                .map(|(h, arg)| {
                    h.join()
                        .unwrap_or_else(|_| Err(format!("{}: reading failed", arg.display())))
                })
                .collect()
        });
        for r in results {
            loaded.push(r?);
        }
    }
    save_fetched(&loaded)?;
    Ok(loaded)
}

fn decode(bytes: &[u8], opts: ReadOptions) -> Result<Profile, profdiff::DecodeError> {
    profdiff::decode::decode_as(bytes, &opts.limits, opts.go_text, &mut |_| {})
}

fn load_one(arg: &Path, opts: ReadOptions) -> Result<Loaded, String> {
    let shown = arg.display().to_string();
    let source = match arg.to_str() {
        Some(text) => Source::parse(text),
        None => Source::File(shown.clone()),
    };
    match source {
        Source::File(_) => {
            let bytes = fs::read(arg)
                .map_err(|e| format!("{shown}: cannot read file: {}", io_reason(&e)))?;
            let profile = decode(&bytes, opts).map_err(|e| format!("{shown}: {e}"))?;
            Ok(Loaded {
                name: shown,
                bytes,
                profile,
                fetched: false,
            })
        }
        Source::Url(url) => {
            let url = url.with_seconds(opts.timing);
            eprintln!("Fetching profile over HTTP from {}", url.display());
            if let Some(s) = opts.timing.seconds.filter(|&s| s > 0) {
                eprintln!(
                    "Please wait... ({})",
                    go_duration(std::time::Duration::from_secs(s.unsigned_abs()))
                );
            }
            let bytes = fetch::fetch(&url, opts.timing, opts.limits.max_inflated_bytes)
                .map_err(|e| format!("{shown}: {e}"))?;
            let profile = decode(&bytes, opts).map_err(|e| {
                let hint = if url.asks_for_text() {
                    " (?debug=N asks for text; drop it for the protobuf profile)"
                } else {
                    ""
                };
                format!("{shown}: {e}{hint}")
            })?;
            Ok(Loaded {
                name: url.display(),
                bytes,
                profile,
                fetched: true,
            })
        }
    }
}

/// Saves each fetched profile, printing `Saved profile in PATH`. No usable directory is an
/// error, as in pprof; a file that cannot be written is only reported.
fn save_fetched(loaded: &[Loaded]) -> Result<(), String> {
    if !loaded.iter().any(|l| l.fetched) {
        return Ok(());
    }
    let dir = save_dir()?;
    for l in loaded.iter().filter(|l| l.fetched) {
        match save(&dir, l) {
            Ok(path) => eprintln!("Saved profile in {}", path.display()),
            Err(e) => eprintln!("Could not save profile: {e}"),
        }
    }
    Ok(())
}

/// pprof's `setTmpDir`: the first of `$PPROF_TMPDIR`, `$HOME/pprof`, the temp dir that can be
/// created.
fn save_dir() -> Result<PathBuf, String> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("PPROF_TMPDIR").filter(|d| !d.is_empty()) {
        dirs.push(PathBuf::from(d));
    }
    if let Some(home) = std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        dirs.push(PathBuf::from(home).join("pprof"));
    }
    dirs.push(std::env::temp_dir());
    for dir in dirs {
        match fs::create_dir_all(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) => eprintln!(
                "Could not use temp dir {}: {}",
                dir.display(),
                io_reason(&e)
            ),
        }
    }
    Err("failed to identify temp dir".to_string())
}

/// The bytes pprof would save: gzip-compressed profile.proto. A gzip body is kept as received;
/// anything else (raw protobuf, a text profile) is written from the decoded profile.
fn saved_bytes(l: &Loaded) -> Vec<u8> {
    if l.bytes.starts_with(&[0x1f, 0x8b]) {
        l.bytes.clone()
    } else {
        profdiff::encode::encode_gzip(&l.profile)
    }
}

fn save(dir: &Path, l: &Loaded) -> Result<PathBuf, String> {
    let prefix = pprof_prefix(&l.profile);
    let (path, mut file) = create_numbered(dir, &prefix, ".pb.gz")?;
    file.write_all(&saved_bytes(l))
        .map_err(|e| format!("write {}: {}", path.display(), io_reason(&e)))?;
    Ok(path)
}

/// `pprof.` + the first mapping's base name + `.` + each sample type + `.`.
pub fn pprof_prefix(p: &Profile) -> String {
    let mut prefix = "pprof.".to_string();
    if let Some(m) = p.mappings.first().filter(|m| !m.file.is_empty()) {
        prefix.push_str(go_base(&m.file));
        prefix.push('.');
    }
    for t in &p.sample_types {
        prefix.push_str(&t.ty);
        prefix.push('.');
    }
    prefix
}

/// Go's `filepath.Base` on a slash-separated path.
fn go_base(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/";
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// pprof's `newTempFile`: `PREFIX` + 001…9999 + `SUFFIX`, the first that can be created anew.
pub fn create_numbered(
    dir: &Path,
    prefix: &str,
    suffix: &str,
) -> Result<(PathBuf, fs::File), String> {
    for index in 1..10000 {
        let path = dir.join(format!("{prefix}{index:03}{suffix}"));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("open {}: {}", path.display(), io_reason(&e))),
        }
    }
    Err(format!(
        "could not create file of the form {prefix}001{suffix}"
    ))
}

/// The OS reason without Rust's "(os error N)" suffix.
pub fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_names_follow_go() {
        assert_eq!(go_base("/srv/bin/checkout-api"), "checkout-api");
        assert_eq!(go_base("gateway"), "gateway");
        assert_eq!(go_base("/a/b/"), "b");
        assert_eq!(go_base("/"), "/");
    }
}
