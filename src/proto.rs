//! The wire structs of profile.proto, written by hand as prost derives.
//!
//! Field numbers and comments follow google/pprof `proto/profile.proto`. String-valued fields are
//! indices into `Profile::string_table`, and the table itself is kept as raw bytes: profiles in
//! the wild hold non-UTF-8 names, which pprof shows rather than rejects. These structs never
//! leave the crate's decode and encode code paths except through this module, which tests and
//! generators use to build profiles.

/// A profile as it is laid out on the wire.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Profile {
    /// A description of the samples associated with each Sample.value.
    #[prost(message, repeated, tag = "1")]
    pub sample_type: Vec<ValueType>,
    /// The set of samples recorded in this profile.
    #[prost(message, repeated, tag = "2")]
    pub sample: Vec<Sample>,
    /// Mapping from address ranges to the image/binary/library mapped into that range; mapping[0]
    /// is the main binary.
    #[prost(message, repeated, tag = "3")]
    pub mapping: Vec<Mapping>,
    /// Locations referenced by samples via Sample.location_id.
    #[prost(message, repeated, tag = "4")]
    pub location: Vec<Location>,
    /// Functions referenced by locations via Line.function_id.
    #[prost(message, repeated, tag = "5")]
    pub function: Vec<Function>,
    /// A common table for strings referenced by various messages; string_table[0] must be "".
    #[prost(bytes = "vec", repeated, tag = "6")]
    pub string_table: Vec<Vec<u8>>,
    /// Frames with Function.function_name fully matching this regexp are dropped from samples,
    /// along with their successors.
    #[prost(int64, tag = "7")]
    pub drop_frames: i64,
    /// Frames with Function.function_name fully matching this regexp are kept, even if they match
    /// drop_frames.
    #[prost(int64, tag = "8")]
    pub keep_frames: i64,
    /// Time of collection (UTC) represented as nanoseconds past the epoch.
    #[prost(int64, tag = "9")]
    pub time_nanos: i64,
    /// Duration of the profile, if a duration makes sense.
    #[prost(int64, tag = "10")]
    pub duration_nanos: i64,
    /// The kind of events between sampled occurrences, e.g. [ "cpu","cycles" ] or [ "heap","bytes" ].
    #[prost(message, optional, tag = "11")]
    pub period_type: Option<ValueType>,
    /// The number of events between sampled occurrences.
    #[prost(int64, tag = "12")]
    pub period: i64,
    /// Free-form text associated with the profile (indices into string_table).
    #[prost(int64, repeated, tag = "13")]
    pub comment: Vec<i64>,
    /// Index into the string table of the type of the preferred sample value.
    #[prost(int64, tag = "14")]
    pub default_sample_type: i64,
    /// Documentation link for this profile type (index into string_table).
    #[prost(int64, tag = "15")]
    pub doc_url: i64,
}

/// ValueType describes the semantics and measurement units of a value.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct ValueType {
    /// Index into the string table.
    #[prost(int64, tag = "1")]
    pub r#type: i64,
    /// Index into the string table.
    #[prost(int64, tag = "2")]
    pub unit: i64,
}

/// Each Sample records values encountered in some program context.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Sample {
    /// Ids of Profile.location; the leaf is at location_id[0].
    #[prost(uint64, repeated, tag = "1")]
    pub location_id: Vec<u64>,
    /// One value per Profile.sample_type.
    #[prost(int64, repeated, tag = "2")]
    pub value: Vec<i64>,
    /// Additional context for this sample.
    #[prost(message, repeated, tag = "3")]
    pub label: Vec<Label>,
}

/// A key with a string or numeric value attached to a sample.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct Label {
    /// Index into the string table.
    #[prost(int64, tag = "1")]
    pub key: i64,
    /// At most one of str and num should be set; index into the string table.
    #[prost(int64, tag = "2")]
    pub str: i64,
    #[prost(int64, tag = "3")]
    pub num: i64,
    /// The unit of num, e.g. "bytes" (index into the string table).
    #[prost(int64, tag = "4")]
    pub num_unit: i64,
}

/// A memory region mapped into the profiled process.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Mapping {
    /// Unique nonzero id for the mapping.
    #[prost(uint64, tag = "1")]
    pub id: u64,
    #[prost(uint64, tag = "2")]
    pub memory_start: u64,
    #[prost(uint64, tag = "3")]
    pub memory_limit: u64,
    #[prost(uint64, tag = "4")]
    pub file_offset: u64,
    /// The object this entry is loaded from (index into the string table).
    #[prost(int64, tag = "5")]
    pub filename: i64,
    /// A string that uniquely identifies a particular program version (index into the string table).
    #[prost(int64, tag = "6")]
    pub build_id: i64,
    #[prost(bool, tag = "7")]
    pub has_functions: bool,
    #[prost(bool, tag = "8")]
    pub has_filenames: bool,
    #[prost(bool, tag = "9")]
    pub has_line_numbers: bool,
    #[prost(bool, tag = "10")]
    pub has_inline_frames: bool,
}

/// Describes function and line table debug information.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Location {
    /// Unique nonzero id for the location.
    #[prost(uint64, tag = "1")]
    pub id: u64,
    /// The id of the corresponding profile.Mapping for this location; 0 if unknown.
    #[prost(uint64, tag = "2")]
    pub mapping_id: u64,
    /// The instruction address for this location, if available.
    #[prost(uint64, tag = "3")]
    pub address: u64,
    /// Multiple lines indicate this location has inlined functions: the last entry is the
    /// caller into which the preceding entries were inlined.
    #[prost(message, repeated, tag = "4")]
    pub line: Vec<Line>,
    /// The location has been folded by the linker with other functions.
    #[prost(bool, tag = "5")]
    pub is_folded: bool,
}

/// A source line inside a Location.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct Line {
    /// The id of the corresponding profile.Function for this line.
    #[prost(uint64, tag = "1")]
    pub function_id: u64,
    /// Line number in source code; 0 means unknown.
    #[prost(int64, tag = "2")]
    pub line: i64,
    /// Column number in source code; 0 means unknown.
    #[prost(int64, tag = "3")]
    pub column: i64,
}

/// A function in the profiled program.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Function {
    /// Unique nonzero id for the function.
    #[prost(uint64, tag = "1")]
    pub id: u64,
    /// Name of the function, in human-readable form if available (index into the string table).
    #[prost(int64, tag = "2")]
    pub name: i64,
    /// Name of the function, as identified by the system, e.g. a C++ mangled name.
    #[prost(int64, tag = "3")]
    pub system_name: i64,
    /// Source file containing the function (index into the string table).
    #[prost(int64, tag = "4")]
    pub filename: i64,
    /// Line number in source file of the function's start.
    #[prost(int64, tag = "5")]
    pub start_line: i64,
}
