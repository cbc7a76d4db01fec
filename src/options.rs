//! Every report's options in one flat struct, as the faces receive them: the CLI from its
//! flags, the page as a JSON-like object (camelCase fields, all optional). It turns into the
//! options of each stage.

use serde::Deserialize;

use crate::compare::{self, SortBy};
use crate::filter::Expressions;
use crate::graph::{self, Granularity};
use crate::top;
use crate::trend::{self, Order};

/// The options of `top`, `diff` and `paths`, with pprof's flag names in the docs.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ViewOptions {
    /// `-sample_index`: a type name, a number, or "" for the default.
    pub sample_index: String,
    /// `-granularity`: functions, filefunctions, files, lines or addresses.
    pub granularity: String,
    pub noinlines: bool,
    /// `-cum`: sort by cum (by |Δcum| for comparisons).
    pub cum: bool,
    /// `-nodecount`; 0 shows every node.
    pub nodecount: usize,
    pub nodefraction: f64,
    pub edgefraction: f64,
    pub focus: String,
    pub ignore: String,
    pub hide: String,
    pub show: String,
    pub show_from: String,
    pub tagfocus: String,
    pub tagignore: String,
    /// Compare and paths: scale A to B's total first.
    pub normalize: bool,
    /// Show names as stored (`-symbolize=none`).
    pub raw_names: bool,
    /// Paths: how many call paths to rank.
    pub top_n: usize,
    /// Trend: snapshot order, `time` or `args`.
    pub order: String,
    /// Trend: the noise floor as a share of the largest snapshot total.
    pub noise_floor: f64,
}

impl Default for ViewOptions {
    fn default() -> ViewOptions {
        let g = graph::Options::default();
        ViewOptions {
            sample_index: String::new(),
            granularity: Granularity::Functions.name().to_string(),
            noinlines: false,
            cum: false,
            nodecount: 0,
            nodefraction: g.node_fraction,
            edgefraction: g.edge_fraction,
            focus: String::new(),
            ignore: String::new(),
            hide: String::new(),
            show: String::new(),
            show_from: String::new(),
            tagfocus: String::new(),
            tagignore: String::new(),
            normalize: false,
            raw_names: false,
            top_n: compare::PathOptions::default().top_n,
            order: "time".to_string(),
            noise_floor: trend::DEFAULT_NOISE_FLOOR,
        }
    }
}

/// An option value the core cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionsError {
    #[error("unknown granularity {0:?}: use functions, filefunctions, files, lines or addresses")]
    Granularity(String),
    #[error("unknown order {0:?}: use time or args")]
    Order(String),
}

impl ViewOptions {
    pub fn top(&self) -> Result<top::Options, OptionsError> {
        let granularity = Granularity::from_name(&self.granularity)
            .ok_or_else(|| OptionsError::Granularity(self.granularity.clone()))?;
        Ok(top::Options {
            sample_index: self.sample_index.clone(),
            graph: graph::Options {
                granularity,
                noinlines: self.noinlines,
                cum_sort: self.cum,
                node_fraction: self.nodefraction,
                edge_fraction: self.edgefraction,
                node_count: self.nodecount,
            },
            filters: Expressions {
                focus: self.focus.clone(),
                ignore: self.ignore.clone(),
                hide: self.hide.clone(),
                show: self.show.clone(),
                show_from: self.show_from.clone(),
                tagfocus: self.tagfocus.clone(),
                tagignore: self.tagignore.clone(),
            },
        })
    }

    pub fn compare(&self) -> Result<compare::Options, OptionsError> {
        Ok(compare::Options {
            top: self.top()?,
            normalize: self.normalize,
            sort: if self.cum {
                SortBy::DeltaCum
            } else {
                SortBy::DeltaFlat
            },
        })
    }

    pub fn paths(&self) -> Result<compare::PathOptions, OptionsError> {
        Ok(compare::PathOptions {
            top: self.top()?,
            normalize: self.normalize,
            top_n: self.top_n,
        })
    }

    pub fn trend(&self) -> Result<trend::Options, OptionsError> {
        let compare = self.compare()?;
        Ok(trend::Options {
            top: compare.top,
            normalize: self.normalize,
            sort: compare.sort,
            order: match self.order.as_str() {
                "time" => Order::Time,
                "args" => Order::Args,
                other => return Err(OptionsError::Order(other.to_string())),
            },
            noise_floor: self.noise_floor,
        })
    }
}
