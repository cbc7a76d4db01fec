//! pprof's sample filters: focus / ignore / hide / show (one pass), then show_from, then
//! tagfocus / tagignore. Regexes are Go RE2-style, unanchored and case-sensitive.
//!
//! A location matches a regex when one of its lines' function name or file name matches, or
//! when its mapping's file does.

use std::borrow::Cow;
use std::collections::HashMap;

use regex::Regex;

use crate::profile::{LabelValue, Line, Location, Profile, StrId};
use crate::units;

/// The filter expressions as the user typed them; empty means unset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expressions {
    /// `-focus`: keep samples through a matching location.
    pub focus: String,
    /// `-ignore`: drop samples through a matching location.
    pub ignore: String,
    /// `-hide`: remove matching frames from stacks.
    pub hide: String,
    /// `-show`: keep only matching frames in stacks.
    pub show: String,
    /// `-show_from`: cut stacks above the highest matching frame.
    pub show_from: String,
    /// `-tagfocus`: keep samples whose labels match (`[key=]regex,…` or a numeric range).
    pub tagfocus: String,
    /// `-tagignore`: drop samples whose labels match.
    pub tagignore: String,
}

impl Expressions {
    /// The filters as pprof lists them under "Active filters:", in its order.
    pub fn active(&self) -> Vec<String> {
        [
            ("focus", &self.focus),
            ("ignore", &self.ignore),
            ("hide", &self.hide),
            ("show", &self.show),
            ("show_from", &self.show_from),
            ("tagfocus", &self.tagfocus),
            ("tagignore", &self.tagignore),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={v}"))
        .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.active().is_empty()
    }
}

/// Why a filter expression was refused; the texts are pprof's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("parsing {name} regexp: {message}")]
    Regex { name: &'static str, message: String },
    #[error("parsing {name}: number out of range in {value:?}")]
    Number { name: &'static str, value: String },
}

/// Compiled filters, ready to apply to one profile.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    focus: Option<Regex>,
    ignore: Option<Regex>,
    hide: Option<Regex>,
    show: Option<Regex>,
    show_from: Option<Regex>,
    tagfocus: Option<TagFilter>,
    tagignore: Option<TagFilter>,
}

/// A label filter: either a numeric range over numeric labels or regexes over string labels.
#[derive(Debug, Clone)]
struct TagFilter {
    key: Option<String>,
    test: TagTest,
}

#[derive(Debug, Clone)]
enum TagTest {
    Range(NumRange),
    Regexes(Vec<Regex>),
}

/// A numeric label range such as `1kb:`, in the unit of its lower bound.
#[derive(Debug, Clone)]
struct NumRange {
    unit: String,
    low: Option<f64>,
    high: Option<f64>,
}

impl Filters {
    /// Compiles `e`. Warnings that pprof prints while compiling (numeric ranges) are appended
    /// to `warnings`.
    pub fn compile(e: &Expressions, warnings: &mut Vec<String>) -> Result<Filters, FilterError> {
        Ok(Filters {
            focus: compile_regex("focus", &e.focus)?,
            ignore: compile_regex("ignore", &e.ignore)?,
            hide: compile_regex("hide", &e.hide)?,
            show: compile_regex("show", &e.show)?,
            show_from: compile_regex("show_from", &e.show_from)?,
            tagfocus: compile_tag_filter("tagfocus", &e.tagfocus, warnings)?,
            tagignore: compile_tag_filter("tagignore", &e.tagignore, warnings)?,
        })
    }

    /// Applies the filters to a copy of `profile`, pushing pprof's "matched no samples"
    /// warnings. With no filter set nothing that a report shows can change (pprof would only
    /// drop samples with empty stacks), so the profile is borrowed as it is.
    pub fn apply<'p>(&self, profile: &'p Profile, warnings: &mut Vec<String>) -> Cow<'p, Profile> {
        if self.is_empty() {
            return Cow::Borrowed(profile);
        }
        let mut p = profile.clone();
        self.filter_by_name(&mut p, warnings);
        if let Some(rx) = &self.show_from {
            let matched = show_from(&mut p, rx);
            warn_no_match(matched, "ShowFrom", warnings);
        }
        if self.tagfocus.is_some() || self.tagignore.is_some() {
            self.filter_by_tag(&mut p, warnings);
        }
        Cow::Owned(p)
    }

    fn is_empty(&self) -> bool {
        self.focus.is_none()
            && self.ignore.is_none()
            && self.hide.is_none()
            && self.show.is_none()
            && self.show_from.is_none()
            && self.tagfocus.is_none()
            && self.tagignore.is_none()
    }

    /// pprof's `FilterSamplesByName`. It runs even with no expression set, and then drops
    /// only samples with an empty stack.
    fn filter_by_name(&self, p: &mut Profile, warnings: &mut Vec<String>) {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            None,
            Focused,
            Ignored,
        }
        let (mut fm, mut im, mut hm, mut hnm) = (false, false, false, false);
        let mut marks = vec![Mark::None; p.locations.len()];
        let mut hidden = vec![false; p.locations.len()];
        let mut any_hidden = false;
        let mut locations = std::mem::take(&mut p.locations);
        for (idx, loc) in locations.iter_mut().enumerate() {
            if self
                .ignore
                .as_ref()
                .is_some_and(|rx| matches_name(p, loc, rx))
            {
                im = true;
                marks[idx] = Mark::Ignored;
            } else if self
                .focus
                .as_ref()
                .is_none_or(|rx| matches_name(p, loc, rx))
            {
                fm = true;
                marks[idx] = Mark::Focused;
            }
            if let Some(rx) = &self.hide
                && matches_name(p, loc, rx)
            {
                hm = true;
                loc.lines = if mapping_matches(p, loc, rx) {
                    Vec::new()
                } else {
                    lines_where(p, &loc.lines, |fm| !fm(rx))
                };
                if loc.lines.is_empty() {
                    hidden[idx] = true;
                    any_hidden = true;
                }
            }
            if let Some(rx) = &self.show {
                if !mapping_matches(p, loc, rx) {
                    loc.lines = lines_where(p, &loc.lines, |fm| fm(rx));
                }
                if loc.lines.is_empty() {
                    hidden[idx] = true;
                    any_hidden = true;
                } else {
                    hnm = true;
                }
            }
        }
        p.locations = locations;

        let old = std::mem::take(&mut p.samples);
        let mut samples = old.empty_like(old.len());
        let mut kept_stack = Vec::new();
        for s in 0..old.len() {
            let stack = old.stack(s);
            let mut focused = false;
            let mut ignored = false;
            for loc in stack {
                match marks[loc.0 as usize] {
                    Mark::Focused => focused = true,
                    Mark::Ignored => {
                        ignored = true;
                        break;
                    }
                    Mark::None => {}
                }
            }
            if !focused || ignored {
                continue;
            }
            if any_hidden {
                kept_stack.clear();
                kept_stack.extend(stack.iter().filter(|l| !hidden[l.0 as usize]));
                if kept_stack.is_empty() {
                    continue;
                }
                samples.push(&kept_stack, old.values(s), old.labels(s));
            } else {
                samples.push(stack, old.values(s), old.labels(s));
            }
        }
        p.samples = samples;

        warn_no_match(self.focus.is_none() || fm, "Focus", warnings);
        warn_no_match(self.ignore.is_none() || im, "Ignore", warnings);
        warn_no_match(self.hide.is_none() || hm, "Hide", warnings);
        warn_no_match(self.show.is_none() || hnm, "Show", warnings);
    }

    fn filter_by_tag(&self, p: &mut Profile, warnings: &mut Vec<String>) {
        let units = p.num_label_units();
        let (mut fm, mut im) = (false, false);
        let old = std::mem::take(&mut p.samples);
        let mut samples = old.empty_like(old.len());
        for s in 0..old.len() {
            let focused = self
                .tagfocus
                .as_ref()
                .is_none_or(|f| f.matches(p, &units, s, &old));
            let ignored = self
                .tagignore
                .as_ref()
                .is_some_and(|f| f.matches(p, &units, s, &old));
            fm |= focused;
            im |= ignored;
            if focused && !ignored {
                samples.push(old.stack(s), old.values(s), old.labels(s));
            }
        }
        p.samples = samples;
        warn_no_match(self.tagfocus.is_none() || fm, "TagFocus", warnings);
        warn_no_match(self.tagignore.is_none() || im, "TagIgnore", warnings);
    }
}

fn warn_no_match(matched: bool, option: &str, warnings: &mut Vec<String>) {
    if !matched {
        warnings.push(format!("{option} expression matched no samples"));
    }
}

fn compile_regex(name: &'static str, value: &str) -> Result<Option<Regex>, FilterError> {
    if value.is_empty() {
        return Ok(None);
    }
    regex(name, value).map(Some)
}

/// Compiles a filter regex; the error keeps the regex crate's last line, which names the
/// problem (its earlier lines draw the pattern).
fn regex(name: &'static str, text: &str) -> Result<Regex, FilterError> {
    Regex::new(text).map_err(|e| FilterError::Regex {
        name,
        message: e
            .to_string()
            .lines()
            .last()
            .unwrap_or_default()
            .trim()
            .to_string(),
    })
}

fn mapping_matches(p: &Profile, loc: &Location, rx: &Regex) -> bool {
    loc.mapping.is_some_and(|m| rx.is_match(&p.mapping(m).file))
}

fn line_matches(p: &Profile, line: &Line, rx: &Regex) -> bool {
    let f = p.function(line.function);
    rx.is_match(p.str(f.name)) || rx.is_match(p.str(f.filename))
}

fn matches_name(p: &Profile, loc: &Location, rx: &Regex) -> bool {
    loc.lines.iter().any(|l| line_matches(p, l, rx)) || mapping_matches(p, loc, rx)
}

/// The lines for which `keep` says yes; `keep` is handed a matcher for the line.
fn lines_where(
    p: &Profile,
    lines: &[Line],
    keep: impl Fn(&dyn Fn(&Regex) -> bool) -> bool,
) -> Vec<Line> {
    lines
        .iter()
        .filter(|line| keep(&|rx: &Regex| line_matches(p, line, rx)))
        .copied()
        .collect()
}

/// pprof's `ShowFrom`: keeps each sample from its highest (closest to the root) matching
/// location down; samples without a match are dropped.
fn show_from(p: &mut Profile, rx: &Regex) -> bool {
    let mut matched_locs = vec![false; p.locations.len()];
    let mut matched = false;
    let mut locations = std::mem::take(&mut p.locations);
    for (idx, loc) in locations.iter_mut().enumerate() {
        let hit = if mapping_matches(p, loc, rx) {
            true
        } else if let Some(i) = loc.lines.iter().rposition(|l| line_matches(p, l, rx)) {
            // Cut the callers inlined above the outermost matching line.
            loc.lines.truncate(i + 1);
            true
        } else {
            false
        };
        if hit {
            matched_locs[idx] = true;
            matched = true;
        }
    }
    p.locations = locations;
    let old = std::mem::take(&mut p.samples);
    let mut samples = old.empty_like(old.len());
    for s in 0..old.len() {
        let stack = old.stack(s);
        if let Some(i) = stack.iter().rposition(|l| matched_locs[l.0 as usize]) {
            samples.push(&stack[..=i], old.values(s), old.labels(s));
        }
    }
    p.samples = samples;
    matched
}

fn compile_tag_filter(
    name: &'static str,
    value: &str,
    warnings: &mut Vec<String>,
) -> Result<Option<TagFilter>, FilterError> {
    if value.is_empty() {
        return Ok(None);
    }
    let (key, value) = match value.split_once('=') {
        Some((k, v)) => (Some(k.to_string()), v),
        None => (None, value),
    };
    if let Some(range) = parse_range(name, value)? {
        warnings.push(format!("{name}:Interpreted '{value}' as range, not regexp"));
        return Ok(Some(TagFilter {
            key,
            test: TagTest::Range(range),
        }));
    }
    let regexes = value
        .split(',')
        .map(|part| regex(name, part))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(TagFilter {
        key,
        test: TagTest::Regexes(regexes),
    }))
}

/// pprof's `parseTagFilterRange`: `N[unit]` (equal), `N[unit]:` (at least), `:N[unit]` (at
/// most) or `N[unit]:M[unit]`. Anything else is not a range (and is read as regexes).
fn parse_range(name: &'static str, filter: &str) -> Result<Option<NumRange>, FilterError> {
    let rx = Regex::new("([+-]?[[:digit:]]+)([[:alpha:]]+)?").expect("constant regex");
    let found: Vec<(&str, i64, &str)> = rx
        .captures_iter(filter)
        .take(2)
        .map(|c| {
            let whole = c.get(0).map_or("", |m| m.as_str());
            let digits = c.get(1).map_or("", |m| m.as_str());
            let unit = c.get(2).map_or("", |m| m.as_str());
            digits
                .parse::<i64>()
                .map(|n| (whole, n, unit))
                .map_err(|_| FilterError::Number {
                    name,
                    value: filter.to_string(),
                })
        })
        .collect::<Result<_, _>>()?;
    let Some(&(whole, n, unit)) = found.first() else {
        return Ok(None);
    };
    let (low_value, low_unit) = units::scale(n, unit, unit);
    if found.len() == 1 {
        let (low, high) = if filter == whole {
            (Some(low_value), Some(low_value))
        } else if filter == format!("{whole}:") {
            (Some(low_value), None)
        } else if filter == format!(":{whole}") {
            (None, Some(low_value))
        } else {
            return Ok(None);
        };
        return Ok(Some(NumRange {
            unit: low_unit,
            low,
            high,
        }));
    }
    let (whole2, n2, unit2) = found[1];
    if filter != format!("{whole}:{whole2}") {
        return Ok(None);
    }
    let (high_value, high_unit) = units::scale(n2, unit2, &low_unit);
    if high_unit != low_unit {
        return Ok(None);
    }
    Ok(Some(NumRange {
        unit: low_unit,
        low: Some(low_value),
        high: Some(high_value),
    }))
}

impl NumRange {
    fn contains(&self, value: i64, unit: &str) -> bool {
        let (v, u) = units::scale(value, unit, &self.unit);
        u == self.unit
            && self.low.is_none_or(|low| v >= low)
            && self.high.is_none_or(|high| v <= high)
    }
}

impl TagFilter {
    fn matches(
        &self,
        p: &Profile,
        units: &HashMap<StrId, String>,
        s: usize,
        samples: &crate::profile::SampleTable,
    ) -> bool {
        let labels = samples.labels(s);
        let key_is = |k: StrId| self.key.as_deref().is_none_or(|want| p.str(k) == want);
        match &self.test {
            TagTest::Range(range) => labels.iter().any(|l| match l.value {
                LabelValue::Num { value, .. } if key_is(l.key) => {
                    let unit = units.get(&l.key).map_or("", String::as_str);
                    range.contains(value, unit)
                }
                _ => false,
            }),
            TagTest::Regexes(regexes) => match &self.key {
                // Without a key every regex must match some "key:value" of the sample.
                None => regexes.iter().all(|rx| {
                    labels.iter().any(|l| match l.value {
                        LabelValue::Str(v) => {
                            rx.is_match(&format!("{}:{}", p.str(l.key), p.str(v)))
                        }
                        LabelValue::Num { .. } => false,
                    })
                }),
                // With a key any regex may match any value of that key.
                Some(_) => labels.iter().any(|l| match l.value {
                    LabelValue::Str(v) if key_is(l.key) => {
                        regexes.iter().any(|rx| rx.is_match(p.str(v)))
                    }
                    _ => false,
                }),
            },
        }
    }
}
