//! Renderings of computed tables: pprof-exact text today; Markdown, CSV and JSON come with the
//! comparison views.

pub mod text;
