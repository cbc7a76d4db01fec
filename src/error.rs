//! Typed errors of the core. Messages are lower-case, carry the bad value, and begin with the
//! stage prefix pprof uses (`decompressing profile:`, `parsing profile:`, `malformed profile:`)
//! so that users who know pprof's messages recognise ours. The faces add the file name.

/// Why bytes could not be turned into a valid profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("decompressing profile: {0}")]
    Decompress(String),
    #[error(
        "decompressing profile: the profile inflates to more than {limit} bytes (raise --max-size to accept it)"
    )]
    TooLarge { limit: u64 },
    #[error(
        "parsing profile: the profile has more than {limit} {what}{}",
        limit_hint(flag)
    )]
    Limit {
        what: &'static str,
        limit: u64,
        /// The CLI flag that raises the limit, or "" when it is fixed.
        flag: &'static str,
    },
    #[error("parsing profile: empty input file")]
    Empty,
    #[error("parsing profile: concatenated profiles detected")]
    Concatenated,
    /// A problem in a text profile (Go's debug=1 texts, goroutine dumps); line 0 when the
    /// problem is not on one line.
    #[error("parsing profile: {}{problem}", line_prefix(*line))]
    Text { line: usize, problem: String },
    /// A legacy (text or binary) profile that pprof's reader for its format refuses, worded
    /// as pprof words it.
    #[error("parsing profile: {0}")]
    LegacyFormat(String),
    #[error("parsing profile: unrecognized profile format ({0})")]
    Protobuf(String),
    #[error("parsing profile: unrecognized profile format (string_table[0] must be '')")]
    StringTableZero,
    #[error(
        "parsing profile: unrecognized profile format ({what} refers to string {index}, but the string table has {len} entries)"
    )]
    StringIndex {
        what: &'static str,
        index: i64,
        len: usize,
    },
    #[error("malformed profile: {0}")]
    Malformed(Malformed),
}

/// pprof's `CheckValid` findings, with its texts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Malformed {
    #[error("missing sample type information")]
    MissingSampleTypes,
    #[error("mismatch: sample has {got} values vs. {want} types")]
    ValueCount { got: usize, want: usize },
    #[error("sample has nil location (location id {id} does not exist)")]
    UnknownLocation { id: u64 },
    /// A mapping or function with id 0.
    #[error("found {kind} with reserved ID=0")]
    ZeroId { kind: &'static str },
    #[error("found location with reserved id=0")]
    ZeroLocationId,
    #[error("multiple {kind}s with same id: {id}")]
    DuplicateId { kind: &'static str, id: u64 },
    #[error("location id: {location} has a line with nil function")]
    LineWithoutFunction { location: u64 },
}

fn limit_hint(flag: &str) -> String {
    if flag.is_empty() {
        " (a fixed limit)".to_string()
    } else {
        format!(" (a limit; raise it with {flag})")
    }
}

fn line_prefix(line: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!("line {line}: ")
    }
}
