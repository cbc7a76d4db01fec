//! The WebAssembly face: `Session` wraps the core's `Workspace`, one export per method. Inputs
//! cross from JavaScript as arrays of names and `Uint8Array`s and an options object (read with
//! serde-wasm-bindgen); results cross back as the same JSON `--format=json` prints; errors
//! become JavaScript `Error`s whose `name` is the kind and whose `message` is one line.
//!
//! ```js
//! const s = new wasm_bindgen.Session();
//! s.load("a", ["heap.pb.gz"], [bytes], (stage, i, n) => {});
//! const report = s.top("a", { sampleIndex: "alloc_space" });
//! ```

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::decode::Limits;
use crate::flame::ViewRequest;
use crate::options::ViewOptions;
use crate::report::json::SlotPair;
use crate::workspace::{Progress, SlotId, Workspace, WorkspaceError};

/// Two profile slots and the reports over them.
#[wasm_bindgen]
pub struct Session {
    workspace: Workspace,
}

/// A JavaScript `Error` with the kind as its name.
fn js_error(name: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name(name);
    error.into()
}

fn into_js_error(e: WorkspaceError) -> JsValue {
    js_error(e.kind_name(), &e.to_string())
}

/// Results cross as the exact JSON `--format=json` prints, parsed by the browser: times in
/// nanoseconds exceed 2^53, which serde-wasm-bindgen refuses to turn into numbers, while
/// `JSON.parse` rounds them (they only order profiles).
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text =
        serde_json::to_string(value).map_err(|e| js_error("SerializeError", &e.to_string()))?;
    js_sys::JSON::parse(&text)
}

fn slot(name: &str) -> Result<SlotId, JsValue> {
    SlotId::from_name(name).ok_or_else(|| {
        js_error(
            "OptionsError",
            &format!("unknown slot {name:?}: use \"a\" or \"b\""),
        )
    })
}

fn options(value: JsValue) -> Result<ViewOptions, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(ViewOptions::default());
    }
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| js_error("OptionsError", &format!("bad options: {e}")))
}

fn flame_request(value: JsValue) -> Result<ViewRequest, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(ViewRequest::default());
    }
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| js_error("OptionsError", &format!("bad flame request: {e}")))
}

/// Pairs file names with their bytes.
fn files(
    names: Vec<String>,
    buffers: Vec<js_sys::Uint8Array>,
) -> Result<Vec<(String, Vec<u8>)>, JsValue> {
    if names.len() != buffers.len() {
        return Err(js_error(
            "OptionsError",
            &format!("{} names for {} buffers", names.len(), buffers.len()),
        ));
    }
    Ok(names
        .into_iter()
        .zip(buffers.iter().map(|b| b.to_vec()))
        .collect())
}

/// The files as the workspace takes them.
fn borrow(owned: &[(String, Vec<u8>)]) -> Vec<(String, &[u8])> {
    owned
        .iter()
        .map(|(n, b)| (n.clone(), b.as_slice()))
        .collect()
}

/// Calls the JavaScript progress callback, if any; its failures are ignored.
fn reporter(callback: &Option<js_sys::Function>) -> impl FnMut(Progress) + '_ {
    move |p: Progress| {
        if let Some(f) = callback {
            let _ = f.call3(
                &JsValue::NULL,
                &JsValue::from_str(p.stage),
                &JsValue::from_f64(p.file_index as f64),
                &JsValue::from_f64(p.file_count as f64),
            );
        }
    }
}

#[wasm_bindgen]
impl Session {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Session {
        Session {
            workspace: Workspace::new(Limits::default()),
        }
    }

    /// Decodes files into slot "a" or "b" (several files merge); returns the slot summary.
    pub fn load(
        &mut self,
        slot_name: &str,
        names: Vec<String>,
        buffers: Vec<js_sys::Uint8Array>,
        progress: Option<js_sys::Function>,
    ) -> Result<JsValue, JsValue> {
        let id = slot(slot_name)?;
        let owned = files(names, buffers)?;
        let borrowed = borrow(&owned);
        let summary = self
            .workspace
            .load(id, &borrowed, &mut reporter(&progress))
            .map_err(into_js_error)?;
        to_js(&summary)
    }

    /// Two files at once: the earlier profile becomes A. Returns `{a, b}` summaries.
    #[wasm_bindgen(js_name = loadPair)]
    pub fn load_pair(
        &mut self,
        names: Vec<String>,
        buffers: Vec<js_sys::Uint8Array>,
        progress: Option<js_sys::Function>,
    ) -> Result<JsValue, JsValue> {
        let owned = files(names, buffers)?;
        let borrowed = borrow(&owned);
        let (a, b) = self
            .workspace
            .load_pair(&borrowed, &mut reporter(&progress))
            .map_err(into_js_error)?;
        to_js(&SlotPair {
            a: Some(a),
            b: Some(b),
        })
    }

    /// Starts a gzip file that another worker inflates (see `gunzipChunks`); its chunks come
    /// through `pushStream`, then `endStream` decodes and stages it.
    #[wasm_bindgen(js_name = beginStream)]
    pub fn begin_stream(&mut self, name: &str, compressed_len: usize) {
        self.workspace.begin_stream(name, compressed_len);
    }

    #[wasm_bindgen(js_name = pushStream)]
    pub fn push_stream(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.workspace.push_stream(chunk).map_err(into_js_error)
    }

    /// Ends the stream: `inflate_error` is what `gunzipChunks` threw, if it threw.
    #[wasm_bindgen(js_name = endStream)]
    pub fn end_stream(
        &mut self,
        inflate_error: Option<String>,
        progress: Option<js_sys::Function>,
    ) -> Result<(), JsValue> {
        self.workspace
            .end_stream(inflate_error, &mut reporter(&progress))
            .map_err(into_js_error)
    }

    #[wasm_bindgen(js_name = abortStream)]
    pub fn abort_stream(&mut self) {
        self.workspace.abort_stream();
    }

    /// Puts the staged files in slot "a" or "b"; returns the slot summary.
    #[wasm_bindgen(js_name = loadStaged)]
    pub fn load_staged(&mut self, slot_name: &str) -> Result<JsValue, JsValue> {
        let summary = self
            .workspace
            .load_staged(slot(slot_name)?)
            .map_err(into_js_error)?;
        to_js(&summary)
    }

    /// Two staged files, the earlier profile in A, as `loadPair`. Returns `{a, b}` summaries.
    #[wasm_bindgen(js_name = loadStagedPair)]
    pub fn load_staged_pair(&mut self) -> Result<JsValue, JsValue> {
        let (a, b) = self.workspace.load_staged_pair().map_err(into_js_error)?;
        to_js(&SlotPair {
            a: Some(a),
            b: Some(b),
        })
    }

    pub fn clear(&mut self, slot_name: &str) -> Result<(), JsValue> {
        self.workspace.clear(slot(slot_name)?);
        Ok(())
    }

    /// Swaps A and B; returns `{a, b}` summaries (null for an empty slot).
    pub fn swap(&mut self) -> Result<JsValue, JsValue> {
        self.workspace.swap();
        let a = self.workspace.summary(SlotId::A).map_err(into_js_error)?;
        let b = self.workspace.summary(SlotId::B).map_err(into_js_error)?;
        to_js(&SlotPair { a, b })
    }

    /// The summary of a slot, or null.
    pub fn summary(&mut self, slot_name: &str) -> Result<JsValue, JsValue> {
        let s = self
            .workspace
            .summary(slot(slot_name)?)
            .map_err(into_js_error)?;
        to_js(&s)
    }

    /// The `top` report of a slot (the JSON of `profdiff top --format=json`).
    pub fn top(&mut self, slot_name: &str, opts: JsValue) -> Result<JsValue, JsValue> {
        let id = slot(slot_name)?;
        let report = self
            .workspace
            .top(id, &options(opts)?)
            .map_err(into_js_error)?;
        to_js(&report)
    }

    /// The comparison of A and B (the JSON of `profdiff diff --format=json`).
    pub fn compare(&mut self, opts: JsValue) -> Result<JsValue, JsValue> {
        let report = self
            .workspace
            .compare(&options(opts)?)
            .map_err(into_js_error)?;
        to_js(&report)
    }

    /// The runtime.MemStats of A and B (the JSON of `profdiff memstats --format=json`, with
    /// null for a side without them).
    pub fn memstats(&mut self) -> Result<JsValue, JsValue> {
        let report = self.workspace.memstats().map_err(into_js_error)?;
        to_js(&report)
    }

    /// The MemStats comparison as the CLI prints it with `--format`.
    #[wasm_bindgen(js_name = exportMemstats)]
    pub fn export_memstats(&mut self, format: &str) -> Result<String, JsValue> {
        self.workspace
            .export_memstats(format)
            .map_err(into_js_error)
    }

    /// A function's callers and callees in A and B (the JSON of `profdiff peek --format=json`).
    pub fn peek(&mut self, name: &str, opts: JsValue) -> Result<JsValue, JsValue> {
        let report = self
            .workspace
            .peek(name, &options(opts)?)
            .map_err(into_js_error)?;
        to_js(&report)
    }

    /// A slot's top table as the CLI prints it with `--format` text, markdown, csv or json.
    #[wasm_bindgen(js_name = exportTop)]
    pub fn export_top(
        &mut self,
        slot_name: &str,
        opts: JsValue,
        format: &str,
    ) -> Result<String, JsValue> {
        let id = slot(slot_name)?;
        self.workspace
            .export_top(id, &options(opts)?, format)
            .map_err(into_js_error)
    }

    /// The comparison as `profdiff diff --format=…` prints it.
    #[wasm_bindgen(js_name = exportCompare)]
    pub fn export_compare(&mut self, opts: JsValue, format: &str) -> Result<String, JsValue> {
        self.workspace
            .export_compare(&options(opts)?, format)
            .map_err(into_js_error)
    }

    /// The growth paths as `profdiff paths --format=…` prints them.
    #[wasm_bindgen(js_name = exportPaths)]
    pub fn export_paths(&mut self, opts: JsValue, format: &str) -> Result<String, JsValue> {
        self.workspace
            .export_paths(&options(opts)?, format)
            .map_err(into_js_error)
    }

    /// The `-diff_base` profile of A against B as gzip bytes (a `.pb.gz` for go tool pprof).
    #[wasm_bindgen(js_name = diffProfile)]
    pub fn diff_profile(&mut self, opts: JsValue) -> Result<Vec<u8>, JsValue> {
        self.workspace
            .diff_profile(&options(opts)?)
            .map_err(into_js_error)
    }

    /// A self-contained HTML report of the aggregated tables.
    #[wasm_bindgen(js_name = reportHtml)]
    pub fn report_html(&mut self, opts: JsValue) -> Result<String, JsValue> {
        self.workspace
            .report_html(&options(opts)?)
            .map_err(into_js_error)
    }

    /// Decodes a series of snapshots (several files of one kind); returns its summary.
    #[wasm_bindgen(js_name = loadSeries)]
    pub fn load_series(
        &mut self,
        names: Vec<String>,
        buffers: Vec<js_sys::Uint8Array>,
        progress: Option<js_sys::Function>,
    ) -> Result<JsValue, JsValue> {
        let owned = files(names, buffers)?;
        let borrowed = borrow(&owned);
        let summary = self
            .workspace
            .load_series(&borrowed, &mut reporter(&progress))
            .map_err(into_js_error)?;
        to_js(&summary)
    }

    #[wasm_bindgen(js_name = clearSeries)]
    pub fn clear_series(&mut self) {
        self.workspace.clear_series();
    }

    /// The trend over the series (the JSON of `profdiff trend --format=json`).
    pub fn trend(&mut self, opts: JsValue) -> Result<JsValue, JsValue> {
        let report = self
            .workspace
            .trend(&options(opts)?)
            .map_err(into_js_error)?;
        to_js(&report)
    }

    /// The flame graph's frames for one zoom, width base and search (the JSON of
    /// `profdiff flame --format=json`); the tree is kept between calls.
    #[wasm_bindgen(js_name = flameView)]
    pub fn flame_view(&mut self, opts: JsValue, req: JsValue) -> Result<JsValue, JsValue> {
        let report = self
            .workspace
            .flame_view(&options(opts)?, &flame_request(req)?)
            .map_err(into_js_error)?;
        to_js(&report)
    }

    /// The trend as `profdiff trend --format=…` prints it.
    #[wasm_bindgen(js_name = exportTrend)]
    pub fn export_trend(&mut self, opts: JsValue, format: &str) -> Result<String, JsValue> {
        self.workspace
            .export_trend(&options(opts)?, format)
            .map_err(into_js_error)
    }

    /// Loads the series' first and last snapshots as A and B; returns `{a, b}` summaries.
    #[wasm_bindgen(js_name = compareFirstLast)]
    pub fn compare_first_last(&mut self, opts: JsValue) -> Result<JsValue, JsValue> {
        let pair = self
            .workspace
            .compare_first_last(&options(opts)?)
            .map_err(into_js_error)?;
        to_js(&pair)
    }

    /// One flame graph frame's numbers (`req.zoom` is its path), or null.
    #[wasm_bindgen(js_name = flameFrame)]
    pub fn flame_frame(&mut self, opts: JsValue, req: JsValue) -> Result<JsValue, JsValue> {
        let report = self
            .workspace
            .flame_frame(&options(opts)?, &flame_request(req)?)
            .map_err(into_js_error)?;
        to_js(&report)
    }

    /// The flame graph as `profdiff flame --format=folded|svg|json` prints it.
    #[wasm_bindgen(js_name = exportFlame)]
    pub fn export_flame(
        &mut self,
        opts: JsValue,
        req: JsValue,
        format: &str,
    ) -> Result<String, JsValue> {
        self.workspace
            .export_flame(&options(opts)?, &flame_request(req)?, format)
            .map_err(into_js_error)
    }

    /// Growth paths from A to B (the JSON of `profdiff paths --format=json`).
    pub fn paths(&mut self, opts: JsValue) -> Result<JsValue, JsValue> {
        let report = self
            .workspace
            .paths(&options(opts)?)
            .map_err(into_js_error)?;
        to_js(&report)
    }

    /// The size of the WebAssembly memory in bytes (it only grows), for `make bench`.
    #[wasm_bindgen(js_name = memoryBytes)]
    pub fn memory_bytes(&self) -> f64 {
        (core::arch::wasm32::memory_size(0) * 65536) as f64
    }
}

/// Runs the hot paths of a worker's `role` ("inflater" or "main") once on made-up profiles,
/// so that the engine optimises them before the first file (src/warmup.rs).
#[wasm_bindgen(js_name = warmUp)]
pub fn warm_up(role: &str) -> bool {
    let role = if role == "inflater" {
        crate::warmup::Role::Inflater
    } else {
        crate::warmup::Role::Main
    };
    crate::warmup::run(role)
}

/// Inflates a gzip file for another worker's `Session.pushStream`: calls `on_chunk` with each
/// inflated chunk (a fresh `Uint8Array` the caller may transfer) and throws the inflating error
/// as a one-line message, which the other worker passes to `endStream`.
#[wasm_bindgen(js_name = gunzipChunks)]
pub fn gunzip_chunks(bytes: &[u8], on_chunk: &js_sys::Function) -> Result<(), JsValue> {
    let mut failed = None;
    crate::decode::gunzip_chunks(bytes, |chunk| match chunk {
        Ok(chunk) => {
            let array = js_sys::Uint8Array::from(chunk.as_slice());
            match on_chunk.call1(&JsValue::NULL, &array) {
                Ok(_) => true,
                Err(e) => {
                    failed = Some(e);
                    false
                }
            }
        }
        Err(e) => {
            failed = Some(js_error("DecodeError", &inflate_message(e)));
            false
        }
    });
    failed.map_or(Ok(()), Err)
}

/// The message of an inflating error, without the "decompressing: " its Display adds (the
/// receiving worker's `endStream` adds it back).
fn inflate_message(e: crate::error::DecodeError) -> String {
    match e {
        crate::error::DecodeError::Decompress(message) => message,
        other => other.to_string(),
    }
}

impl Default for Session {
    fn default() -> Session {
        Session::new()
    }
}
