// The page's side of the worker protocol: call(method, args) → Promise of the result, with
// progress callbacks. Served from www/, the worker is worker.js; inside dist/profdiff.html it is
// built from the <script type="text/x-profdiff-worker"> blocks that build-dist.mjs inlines.

function createWorker() {
  const parts = Array.from(document.querySelectorAll('script[type="text/x-profdiff-worker"]'));
  if (parts.length > 0) {
    const blob = new Blob(parts.map((p) => p.textContent + '\n;\n'), { type: 'text/javascript' });
    return new Worker(URL.createObjectURL(blob));
  }
  return new Worker('worker.js');
}

/** An Error rebuilt from the worker's {name, message}. */
export function workerError(error) {
  const e = new Error(error && error.message ? error.message : 'unknown error');
  e.name = error && error.name ? error.name : 'Error';
  return e;
}

/** Error names after which the worker's WebAssembly instance cannot be trusted: a trap (a
 *  panic, or memory that could not grow) leaves it half-way through a call. */
const FATAL_ERRORS = new Set(['RuntimeError', 'InternalError']);

export class WorkerClient {
  /** `onDeath(error)` runs once if the worker dies: an uncaught error, a failed start, or a
   *  WebAssembly trap inside a call. Every pending call is rejected first. */
  constructor({ onDeath = null } = {}) {
    this.nextId = 1;
    this.pending = new Map();
    this.onDeath = onDeath;
    this.worker = createWorker();
    this.worker.onmessage = (event) => this.onMessage(event.data);
    this.dead = null;
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.die({ name: 'WorkerError', message: event.message || 'the worker failed to start' });
    };
  }

  /** Ends the worker: pending calls fail with `error`, later ones at once. */
  die(error) {
    if (this.dead) return;
    this.dead = error;
    this.worker.terminate();
    this.failAll(error);
    if (this.onDeath) this.onDeath(error);
  }

  /** Calls `method` in the worker. `transfer` lists ArrayBuffers to move, `onProgress` gets
   *  (stage, fileIndex, fileCount) while files load. */
  call(method, args = [], { transfer = [], onProgress = null } = {}) {
    const id = this.nextId++;
    if (this.dead) return Promise.reject(workerError(this.dead));
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ id, method, args }, transfer);
    });
  }

  onMessage(msg) {
    if (!msg || !this.pending.has(msg.id)) return;
    const entry = this.pending.get(msg.id);
    if (msg.progress) {
      if (entry.onProgress) entry.onProgress(msg.progress.stage, msg.progress.fileIndex, msg.progress.fileCount);
      return;
    }
    this.pending.delete(msg.id);
    if (msg.ok) {
      entry.resolve(msg.result);
    } else {
      entry.reject(workerError(msg.error));
      if (msg.error && FATAL_ERRORS.has(msg.error.name)) this.die(msg.error);
    }
  }

  failAll(error) {
    for (const entry of this.pending.values()) entry.reject(workerError(error));
    this.pending.clear();
  }
}

/** A thrown value as the {name, message} the page shows (a worker error keeps the core's kind). */
export function toPlainError(e) {
  return { name: (e && e.name) || 'Error', message: (e && e.message) || String(e) };
}
