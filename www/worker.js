// The only script that touches WebAssembly. It keeps one profdiff Session and answers
// `{id, method, args}` messages with `{id, ok: true, result}` or
// `{id, ok: false, error: {name, message}}`; load progress goes out as `{id, progress}`.
//
// Served mode: the wasm-bindgen glue and the base64 wasm bytes come through importScripts.
// Dist mode (dist/profdiff.html): this text runs inside a Blob that already starts with
// pkg/profdiff_wasm_b64.js, pkg/profdiff.js and pkg/example_b64.js, so nothing is imported.
/* global wasm_bindgen, importScripts */
(() => {
  'use strict';

  // `let wasm_bindgen` of the no-modules glue is a global lexical binding, not a property of
  // self, hence typeof rather than self.wasm_bindgen.
  if (typeof wasm_bindgen === 'undefined') {
    importScripts('pkg/profdiff_wasm_b64.js', 'pkg/profdiff.js');
  }

  function fromBase64(text) {
    if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(text);
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  let sessionPromise = null;
  function session() {
    if (!sessionPromise) {
      sessionPromise = (async () => {
        const b64 = self.PROFDIFF_WASM_BASE64;
        if (typeof b64 !== 'string' || b64 === '') {
          throw named('InitError', 'the WebAssembly module is missing (PROFDIFF_WASM_BASE64)');
        }
        await wasm_bindgen({ module_or_path: fromBase64(b64) });
        self.PROFDIFF_WASM_BASE64 = undefined; // the compiled module holds what it needs
        return new wasm_bindgen.Session();
      })();
    }
    return sessionPromise;
  }

  function named(name, message) {
    const e = new Error(message);
    e.name = name;
    return e;
  }

  function example() {
    if (typeof self.PROFDIFF_EXAMPLE === 'undefined') importScripts('pkg/example_b64.js');
    const ex = self.PROFDIFF_EXAMPLE;
    if (!ex || !ex.a || !ex.b) throw named('InitError', 'the bundled example is missing');
    return ex;
  }

  // Whatever a call throws becomes {name, message}; wasm errors are Errors whose name is a kind.
  function toError(e) {
    if (e instanceof Error) return { name: e.name || 'Error', message: e.message || String(e) };
    if (e && typeof e === 'object' && 'message' in e) {
      return { name: String(e.name || 'Error'), message: String(e.message) };
    }
    return { name: 'Error', message: String(e) };
  }

  function progressFor(id) {
    return (stage, fileIndex, fileCount) => {
      self.postMessage({ id, progress: { stage: String(stage), fileIndex, fileCount } });
    };
  }

  // The inflater's side of a streamed load (www/inflater.js): every inflated chunk goes to
  // `port`, then {end, error}; a trap (RuntimeError) is not an inflating error and kills the
  // worker as in any call. The receiving side closes the channel: Firefox drops the messages
  // of a port closed before the other end has arrived in its worker.
  function gunzip(bytes, port) {
    let error = null;
    try {
      wasm_bindgen.gunzipChunks(bytes, (chunk) => {
        self.profdiffInflatedBytes = (self.profdiffInflatedBytes || 0) + chunk.length;
        port.postMessage({ chunk }, [chunk.buffer]);
      });
    } catch (e) {
      if (!(e instanceof Error) || e.name !== 'DecodeError') throw e;
      error = e.message;
    }
    port.postMessage({ end: true, error });
    return null;
  }

  // The main worker's side: the chunks of one file, then its decode into the staging area.
  let pendingStream = null;
  function stageStream(s, name, compressedLen, port, progress) {
    s.beginStream(name, compressedLen);
    progress('inflating', 0, 1);
    return new Promise((resolve, reject) => {
      const finish = (fn) => {
        port.onmessage = null;
        port.close();
        pendingStream = null;
        fn();
      };
      pendingStream = { reject: (e) => finish(() => reject(e)) };
      port.onmessage = (event) => {
        const msg = event.data || {};
        try {
          if (msg.chunk) {
            s.pushStream(msg.chunk);
            return;
          }
          s.endStream(msg.error === null ? undefined : String(msg.error), progress);
          finish(() => resolve(null));
        } catch (e) {
          finish(() => reject(e));
        }
      };
    });
  }

  async function call(id, method, args) {
    const s = await session();
    switch (method) {
      case 'init':
        // 'main' or 'inflater' (www/inflater.js), for tests and `make bench` that look inside.
        self.profdiffRole = String(args[0] || 'main');
        return null;
      case 'warmUp':
        // Once, while the page is idle: the engine optimises the hot paths before a real file.
        return wasm_bindgen.warmUp(self.profdiffRole || 'main');
      case 'load': {
        const [slot, names, buffers] = args;
        return s.load(slot, names, buffers, progressFor(id));
      }
      case 'loadPair': {
        const [names, buffers] = args;
        return s.loadPair(names, buffers, progressFor(id));
      }
      case 'loadExample': {
        // The bundled pair: A is the earlier instance by construction.
        const ex = example();
        const progress = progressFor(id);
        const a = s.load('a', [ex.a.name], [fromBase64(ex.a.base64)], progress);
        const b = s.load('b', [ex.b.name], [fromBase64(ex.b.base64)], progress);
        return { a, b };
      }
      case 'gunzip':
        return gunzip(args[0], args[1]);
      case 'stageStream': {
        const [name, compressedLen, port] = args;
        return stageStream(s, name, compressedLen, port, progressFor(id));
      }
      case 'abortStream':
        if (pendingStream) pendingStream.reject(named('AbortError', 'the inflating worker stopped'));
        s.abortStream();
        return null;
      case 'loadStaged':
        return s.loadStaged(args[0]);
      case 'loadStagedPair':
        return s.loadStagedPair();
      case 'clear':
        s.clear(args[0]);
        return null;
      case 'swap':
        return s.swap();
      case 'summary':
        return s.summary(args[0]);
      case 'top':
        return s.top(args[0], args[1] || {});
      case 'compare':
        return s.compare(args[0] || {});
      case 'paths':
        return s.paths(args[0] || {});
      case 'memstats':
        return s.memstats();
      case 'exportMemstats':
        return s.exportMemstats(args[0]);
      case 'peek':
        return s.peek(String(args[0]), args[1] || {});
      case 'exportTop':
        return s.exportTop(args[0], args[1] || {}, args[2]);
      case 'exportCompare':
        return s.exportCompare(args[0] || {}, args[1]);
      case 'exportPaths':
        return s.exportPaths(args[0] || {}, args[1]);
      case 'diffProfile':
        return s.diffProfile(args[0] || {});
      case 'loadSeries': {
        const [names, buffers] = args;
        return s.loadSeries(names, buffers, progressFor(id));
      }
      case 'clearSeries':
        s.clearSeries();
        return null;
      case 'trend':
        return s.trend(args[0] || {});
      case 'exportTrend':
        return s.exportTrend(args[0] || {}, args[1]);
      case 'compareFirstLast':
        return s.compareFirstLast(args[0] || {});
      case 'flameView':
        return s.flameView(args[0] || {}, args[1] || {});
      case 'flameFrame':
        return s.flameFrame(args[0] || {}, args[1] || {});
      case 'exportFlame':
        return s.exportFlame(args[0] || {}, args[1] || {}, args[2]);
      case 'reportHtml':
        return s.reportHtml(args[0] || {});
      default:
        throw named('ProtocolError', `unknown method ${String(method)}`);
    }
  }

  // For `make bench` (bench/page.mjs reads it through the browser's worker handle).
  self.profdiffMemoryBytes = async () => (await session()).memoryBytes();

  self.onmessage = async (event) => {
    const { id, method, args } = event.data || {};
    try {
      const result = await call(id, method, Array.isArray(args) ? args : []);
      // Bytes (the diff profile) move instead of being copied.
      const transfer = result instanceof Uint8Array ? [result.buffer] : [];
      self.postMessage({ id, ok: true, result: result === undefined ? null : result }, transfer);
    } catch (e) {
      self.postMessage({ id, ok: false, error: toError(e) });
    }
  };
})();
