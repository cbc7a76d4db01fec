//! Bytes → `Profile`: gzip sniffing and bounded inflating, the format family recognised by
//! content ([`sniff`]), protobuf decoding, id and string resolution, pprof's validity checks
//! (`CheckValid`), and pprof's legacy text and binary formats (`legacy/`).
//!
//! This is the only place that sees wire structs and the only place that validates; later
//! stages trust the `Profile` it returns.

mod goroutine_dump;
mod gotext;
mod guard;
mod legacy;
mod read_ahead;
mod resolve;
mod text_builder;
mod wire;

use std::io::Read;

use flate2::read::MultiGzDecoder;
use prost::Message;

use crate::error::DecodeError;
use crate::profile::Profile;
use crate::proto;
pub(crate) use legacy::gomath::go_f64_to_i64;

/// Bounds on what a decode may cost, so that a small hostile file cannot take unbounded
/// memory or time. The defaults are far above every real profile seen (the largest in the
/// corpus has 119 000 samples, 30 000 locations, 23 000 functions and 7 MB of protobuf).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted size of the protobuf after gunzip, in bytes (`--max-size`).
    pub max_inflated_bytes: u64,
    /// Most samples (`--max-samples`).
    pub max_samples: u64,
    /// Most locations (`--max-locations`).
    pub max_locations: u64,
    /// Most functions (`--max-functions`).
    pub max_functions: u64,
    /// Deepest stack of one sample, in locations (`--max-stack-depth`).
    pub max_stack_depth: u64,
    /// Most stack frames over all samples (`--max-frames`).
    pub max_frames: u64,
    /// Most bytes in the string table (`--max-string-bytes`).
    pub max_string_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_inflated_bytes: 1 << 30,
            max_samples: 10_000_000,
            max_locations: 10_000_000,
            max_functions: 5_000_000,
            max_stack_depth: 1_000_000,
            max_frames: 50_000_000,
            max_string_bytes: 256 << 20,
        }
    }
}

/// A step of decoding, reported to progress callbacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Inflating,
    Decoding,
    Resolving,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Inflating => "inflating",
            Stage::Decoding => "decoding",
            Stage::Resolving => "resolving",
        }
    }
}

/// The format families profdiff reads, recognised by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// profile.proto.
    Protobuf,
    /// One of the legacy text or binary formats Go 1.19's pprof reads (its
    /// profile/legacy_profile.go and legacy_java_profile.go).
    PprofLegacy,
}

/// Recognises the format family of uncompressed bytes. pprof tries protobuf first and its
/// legacy readers when that fails; the legacy formats start with headers that no valid
/// profile.proto starts with (a zero word, or text whose first bytes are not a valid field), so
/// looking for those headers first picks the reader pprof ends up with.
pub fn sniff(data: &[u8]) -> Family {
    if legacy::recognizes(data) {
        return Family::PprofLegacy;
    }
    Family::Protobuf
}

/// Decodes a profile from the bytes of a file: gzip-compressed (one member or several) or not,
/// protobuf or one of pprof's legacy formats, recognised by content.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Profile, DecodeError> {
    decode_with_progress(bytes, limits, &mut |_| {})
}

/// How Go's `debug=1` texts (heap, goroutine, block, mutex, threadcreate) are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GoText {
    /// Frames named from the text's comment lines (profdiff's reading).
    #[default]
    Names,
    /// As `go tool pprof` reads them without the binary: addresses only, through pprof's
    /// legacy reader (`--pprof-text`).
    Pprof,
}

/// [`decode`], telling `progress` when each stage starts.
pub fn decode_with_progress(
    bytes: &[u8],
    limits: &Limits,
    progress: &mut dyn FnMut(Stage),
) -> Result<Profile, DecodeError> {
    decode_as(bytes, limits, GoText::Names, progress)
}

/// [`decode_with_progress`], reading Go's debug=1 texts as `go_text` says.
pub fn decode_as(
    bytes: &[u8],
    limits: &Limits,
    go_text: GoText,
    progress: &mut dyn FnMut(Stage),
) -> Result<Profile, DecodeError> {
    if is_gzip(bytes) {
        progress(Stage::Inflating);
        inflate(bytes, limits, go_text)?.finish_from(Some(bytes), progress)
    } else {
        if bytes.len() as u64 > limits.max_inflated_bytes {
            return Err(DecodeError::TooLarge {
                limit: limits.max_inflated_bytes,
            });
        }
        if let Some(text) = text_format(bytes, go_text) {
            progress(Stage::Decoding);
            return read_text(bytes, text, limits);
        }
        let mut guard = Some(guard::Guard::new(*limits));
        guard_protobuf(&mut guard, bytes)?;
        decode_data(bytes, limits, go_text, progress)
    }
}

// --- Go's texts, recognised before the protobuf and the legacy formats ----------------------

/// A text format profdiff reads itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextFormat {
    /// A Go debug=1 text that names its frames.
    GoText(gotext::Kind),
    GoroutineDump,
    /// The body of a Go debug=1 text without its header line.
    Headless,
}

fn text_format(data: &[u8], go_text: GoText) -> Option<TextFormat> {
    if go_text == GoText::Names
        && let Some(kind) = gotext::sniff(data)
    {
        return Some(TextFormat::GoText(kind));
    }
    if goroutine_dump::sniff(data) {
        return Some(TextFormat::GoroutineDump);
    }
    gotext::is_headless(data).then_some(TextFormat::Headless)
}

fn read_text(data: &[u8], format: TextFormat, limits: &Limits) -> Result<Profile, DecodeError> {
    match format {
        TextFormat::GoText(kind) => gotext::read(data, kind, limits),
        TextFormat::GoroutineDump => goroutine_dump::read(data, limits),
        TextFormat::Headless => Err(DecodeError::Text {
            line: 1,
            problem: "a Go text profile without its header line (`heap profile: …`, `goroutine profile: total N`, `--- mutex:`)".to_string(),
        }),
    }
}

// ---------------------------------------------------------------------------------------------

/// Decodes uncompressed bytes with the reader of their family: Go's texts, else pprof's
/// legacy formats, else protobuf.
fn decode_data(
    data: &[u8],
    limits: &Limits,
    go_text: GoText,
    progress: &mut dyn FnMut(Stage),
) -> Result<Profile, DecodeError> {
    progress(Stage::Decoding);
    if let Some(text) = text_format(data, go_text) {
        return read_text(data, text, limits);
    }
    match sniff(data) {
        Family::PprofLegacy => match legacy::parse(data, limits) {
            Ok(profile) => Ok(profile),
            Err(legacy::Error::Failed(e)) => Err(e),
            // No legacy reader took it after all: what the protobuf reader says of it.
            Err(legacy::Error::Unrecognized) => decode_protobuf(data, limits, progress),
        },
        Family::Protobuf => decode_protobuf(data, limits, progress),
    }
}

fn decode_protobuf(
    data: &[u8],
    limits: &Limits,
    progress: &mut dyn FnMut(Stage),
) -> Result<Profile, DecodeError> {
    let wire = decode_wire(data)?;
    progress(Stage::Resolving);
    resolve::resolve(wire.profile, resolve::Samples::Wire(&wire.samples), limits)
}

fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Gunzips every member of `bytes` in chunks, checking the limits on the way: never more than
/// the size limit, and top-level fields checked as soon as their headers arrive.
///
/// Natively the inflating runs on a thread of its own while this one checks the chunks and
/// reads the samples ahead ([`Inflating`]); the WebAssembly has one thread per worker, so there
/// the two take turns (the page can inflate in another worker: [`gunzip_chunks`]).
fn inflate(bytes: &[u8], limits: &Limits, go_text: GoText) -> Result<Inflating, DecodeError> {
    let mut inflating = Inflating::new(limits, go_text, bytes.len());
    #[cfg(not(target_arch = "wasm32"))]
    {
        let (sender, chunks) = std::sync::mpsc::sync_channel(CHUNKS_IN_FLIGHT);
        // Read chunks go back to be filled again: a few buffers instead of one per chunk.
        let (recycle, recycled) = std::sync::mpsc::channel::<Vec<u8>>();
        std::thread::scope(|scope| {
            // When this thread stops early (an error), the inflating thread's next send fails
            // and it stops too.
            scope.spawn(move || {
                let buffer = || recycled.try_recv().unwrap_or_default();
                gunzip_chunks_into(bytes, buffer, |chunk| sender.send(chunk).is_ok())
            });
            for chunk in chunks {
                let chunk = chunk?;
                inflating.push(&chunk)?;
                let _ = recycle.send(chunk);
            }
            Ok(inflating)
        })
    }
    #[cfg(target_arch = "wasm32")]
    {
        let mut failed = None;
        gunzip_chunks(bytes, |chunk| {
            match chunk.and_then(|c| inflating.push(&c)) {
                Ok(()) => true,
                Err(e) => {
                    failed = Some(e);
                    false
                }
            }
        });
        failed.map_or(Ok(inflating), Err)
    }
}

/// Inflated chunks waiting for the checking thread: enough to keep the inflating thread busy,
/// few enough to bound what a refused file costs.
#[cfg(not(target_arch = "wasm32"))]
const CHUNKS_IN_FLIGHT: usize = 8;

/// Gunzips every member of `bytes`, giving `take` the data in chunks of at most 256 KiB, or
/// the error that stopped inflating, until the data ends or `take` returns false. The chunks
/// go to an [`Inflating`], here or in another worker of the page.
pub fn gunzip_chunks(bytes: &[u8], take: impl FnMut(Result<Vec<u8>, DecodeError>) -> bool) {
    gunzip_chunks_into(bytes, Vec::new, take);
}

/// [`gunzip_chunks`] into buffers that `buffer` gives (emptied first).
fn gunzip_chunks_into(
    bytes: &[u8],
    mut buffer: impl FnMut() -> Vec<u8>,
    mut take: impl FnMut(Result<Vec<u8>, DecodeError>) -> bool,
) {
    const CHUNK: u64 = 256 << 10;
    let mut reader = MultiGzDecoder::new(bytes);
    loop {
        let mut chunk = buffer();
        chunk.clear();
        chunk.reserve(CHUNK as usize);
        match (&mut reader).take(CHUNK).read_to_end(&mut chunk) {
            Ok(0) => return,
            Ok(_) => {
                if !take(Ok(chunk)) {
                    return;
                }
            }
            Err(e) => {
                // What was inflated before the error is checked first, as it arrived.
                if !chunk.is_empty() && !take(Ok(chunk)) {
                    return;
                }
                take(Err(DecodeError::Decompress(e.to_string())));
                return;
            }
        }
    }
}

/// A gzip-compressed profile arriving as inflated chunks: each chunk is checked against the
/// limits as it arrives and the samples are read ahead; [`Inflating::finish`] makes the
/// profile, as [`decode_as`] makes it from the compressed bytes.
#[derive(Debug, Clone)]
pub struct Inflating {
    data: Vec<u8>,
    go_text: GoText,
    limits: Limits,
    guard: Option<guard::Guard>,
    /// Known after the first chunk: a gzipped Go text is not checked as protobuf.
    is_text: Option<bool>,
    text_guard: text_builder::LineGuard,
    read_ahead: Option<read_ahead::ReadAhead>,
}

impl Inflating {
    /// `compressed_len`, the size of the gzip data, sizes the buffer.
    pub fn new(limits: &Limits, go_text: GoText, compressed_len: usize) -> Inflating {
        let expected = compressed_len.saturating_mul(3);
        Inflating {
            data: Vec::with_capacity(expected.min(limits.max_inflated_bytes as usize)),
            go_text,
            limits: *limits,
            guard: Some(guard::Guard::new(*limits)),
            is_text: None,
            text_guard: text_builder::LineGuard::default(),
            read_ahead: Some(read_ahead::ReadAhead::new(*limits)),
        }
    }

    /// Takes the next inflated chunk.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), DecodeError> {
        self.data.extend_from_slice(chunk);
        let limit = self.limits.max_inflated_bytes;
        if self.data.len() as u64 > limit {
            return Err(DecodeError::TooLarge { limit });
        }
        let go_text = self.go_text;
        if *self
            .is_text
            .get_or_insert_with(|| text_format(&self.data, go_text).is_some())
        {
            self.read_ahead = None;
            return self.text_guard.advance(&self.data);
        }
        guard_protobuf(&mut self.guard, &self.data)?;
        if let Some(reader) = &mut self.read_ahead {
            reader.advance(&self.data);
        }
        Ok(())
    }

    /// The profile, once every chunk has been pushed.
    pub fn finish(self, progress: &mut dyn FnMut(Stage)) -> Result<Profile, DecodeError> {
        self.finish_from(None, progress)
    }

    /// [`Inflating::finish`] for data that `compressed` inflates to again: the inflated bytes
    /// are freed before the profile is resolved (the peak of a decode), and inflated again only
    /// when the ordinary path must read them.
    fn finish_from(
        mut self,
        compressed: Option<&[u8]>,
        progress: &mut dyn FnMut(Stage),
    ) -> Result<Profile, DecodeError> {
        let read_ahead = self.read_ahead.take();
        if let Some((wire, samples)) = self.read_whole(read_ahead) {
            if compressed.is_some() {
                self.data = Vec::new();
            }
            progress(Stage::Resolving);
            let resolved =
                resolve::resolve(wire, resolve::Samples::ReadAhead(samples), &self.limits);
            if let Ok(profile) = resolved {
                return Ok(profile);
            }
            if let Some(compressed) = compressed {
                self.data = gunzip_again(compressed)?;
            }
        }
        decode_data(&self.data, &self.limits, self.go_text, progress)
    }

    /// The other fields and the samples the read-ahead read, when the data is a profile.proto
    /// that it read whole; None sends the decode down the ordinary path.
    fn read_whole(
        &self,
        read_ahead: Option<read_ahead::ReadAhead>,
    ) -> Option<(proto::Profile, read_ahead::RawSamples)> {
        let data = &self.data;
        if data.is_empty()
            || text_format(data, self.go_text).is_some()
            || sniff(data) != Family::Protobuf
        {
            return None;
        }
        read_ahead?.finish(data)
    }
}

/// Data that inflated within the limits once, inflated again.
fn gunzip_again(compressed: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let mut data = Vec::new();
    MultiGzDecoder::new(compressed)
        .read_to_end(&mut data)
        .map_err(|e| DecodeError::Decompress(e.to_string()))?;
    Ok(data)
}

/// Runs the protobuf guard over `data` (everything inflated so far). The guard reads
/// protobuf field headers; when it objects to data of another family, it is switched off, as
/// that family's reader applies the limits itself.
fn guard_protobuf(guard: &mut Option<guard::Guard>, data: &[u8]) -> Result<(), DecodeError> {
    if let Some(g) = guard
        && let Err(e) = g.advance(data)
    {
        if sniff(data) == Family::Protobuf {
            return Err(e);
        }
        *guard = None;
    }
    Ok(())
}

/// A profile split on the wire: every field but the samples decoded by prost, and the
/// samples' bytes, which `resolve` reads straight into the flat sample table.
struct Wire<'a> {
    profile: proto::Profile,
    samples: Vec<&'a [u8]>,
}

/// Decodes the protobuf, with pprof's two special cases: empty input, and two profiles
/// concatenated (time_nanos set twice).
fn decode_wire(data: &[u8]) -> Result<Wire<'_>, DecodeError> {
    if data.is_empty() {
        return Err(DecodeError::Empty);
    }
    split_samples(data).map_err(|message| match message {
        Split::Concatenated => DecodeError::Concatenated,
        Split::Bad(message) => DecodeError::Protobuf(message),
    })
}

enum Split {
    Concatenated,
    Bad(String),
}

/// Walks the top-level fields once: sample fields are kept as slices, the other fields are
/// copied out and decoded by prost.
fn split_samples(data: &[u8]) -> Result<Wire<'_>, Split> {
    let mut reader = wire::Reader::new(data);
    let mut samples = Vec::new();
    let mut rest = Vec::new();
    let mut time_nanos = 0u64;
    while let Some((field, value, raw)) = reader.field().map_err(Split::Bad)? {
        match (field, value) {
            (2, wire::Value::Bytes(bytes)) => samples.push(bytes),
            (2, _) => return Err(Split::Bad("type mismatch for field 2".to_string())),
            (9, wire::Value::Varint(v)) => {
                // pprof refuses a second time_nanos once one is set: two profiles back to back.
                if time_nanos != 0 {
                    return Err(Split::Concatenated);
                }
                time_nanos = v;
                rest.extend_from_slice(raw);
            }
            _ => rest.extend_from_slice(raw),
        }
    }
    let profile = proto::Profile::decode(rest.as_slice()).map_err(|e| Split::Bad(e.to_string()))?;
    Ok(Wire { profile, samples })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    fn minimal_profile() -> Vec<u8> {
        proto::Profile {
            sample_type: vec![proto::ValueType { r#type: 1, unit: 2 }],
            sample: vec![proto::Sample {
                location_id: vec![],
                value: vec![5],
                label: vec![],
            }],
            string_table: vec![b"".to_vec(), b"samples".to_vec(), b"count".to_vec()],
            time_nanos: 7,
            ..Default::default()
        }
        .encode_to_vec()
    }

    /// The read-ahead must actually take the Go profiles of the fixtures, not fall back.
    #[test]
    fn read_ahead_reads_go_profiles_whole() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/profiles");
        let limits = Limits::default();
        let mut read = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            if !is_gzip(&bytes) {
                continue;
            }
            let mut inflating = inflate(&bytes, &limits, GoText::Names).unwrap();
            let ahead = inflating.read_ahead.take();
            let (wire, samples) = inflating.read_whole(ahead).expect("read whole");
            let resolved = resolve::resolve(wire, resolve::Samples::ReadAhead(samples), &limits);
            assert!(resolved.is_ok(), "{} fell back", path.display());
            read += 1;
        }
        assert!(read >= 5, "only {read} gzip fixtures");
    }

    #[test]
    fn raw_and_gzip_and_multi_member_gzip_decode_alike() {
        let raw = minimal_profile();
        let limits = Limits::default();
        let a = decode(&raw, &limits).unwrap();
        let b = decode(&gzip(&raw), &limits).unwrap();
        let (head, tail) = raw.split_at(raw.len() / 2);
        let mut multi = gzip(head);
        multi.extend(gzip(tail));
        let c = decode(&multi, &limits).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a.samples.value(0, 0), 5);
    }

    #[test]
    fn inflate_limit_is_checked_while_inflating() {
        let big = gzip(&vec![0u8; 1 << 20]);
        let limits = Limits {
            max_inflated_bytes: 1000,
            ..Limits::default()
        };
        let err = decode(&big, &limits).unwrap_err();
        assert!(matches!(err, DecodeError::TooLarge { limit: 1000 }));
    }

    #[test]
    fn concatenated_profiles_are_refused() {
        let mut two = minimal_profile();
        two.extend(minimal_profile());
        assert_eq!(
            decode(&two, &Limits::default()).unwrap_err().to_string(),
            "parsing profile: concatenated profiles detected"
        );
    }

    #[test]
    fn empty_and_truncated_gzip_are_refused() {
        let limits = Limits::default();
        assert_eq!(
            decode(b"", &limits).unwrap_err().to_string(),
            "parsing profile: empty input file"
        );
        let gz = gzip(&minimal_profile());
        let err = decode(&gz[..gz.len() - 6], &limits).unwrap_err();
        assert!(
            err.to_string().starts_with("decompressing profile: "),
            "{err}"
        );
    }
}
