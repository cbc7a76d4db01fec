// A second worker that inflates gzip files for the main worker, so that loading uses two cores:
// while the inflater gunzips a file, the main worker checks each inflated chunk and reads its
// samples ahead (the core's decode::Inflating), and it reads the first file of a pair while the
// second is still inflating. Inflating is a third to a half of decoding a large gzip profile.
//
// The chunks go straight from the inflater to the main worker through a MessageChannel. When
// the inflater is missing or dies, or a file is not gzip, the caller loads the ordinary way, in
// the main worker alone; a dead inflater is replaced for the next load.
import { WorkerClient } from './client.js';

let inflater = null;
let deaths = 0;
/** After this many deaths (say, a browser that cannot start a second worker) the main worker
 *  loads alone. */
const MAX_DEATHS = 3;

/** The inflater, started with the page so that its WebAssembly compiles while files are picked. */
export function startInflater() {
  const client = new WorkerClient({
    onDeath: () => {
      deaths += 1;
      if (inflater === client) inflater = null;
    },
  });
  inflater = client;
  client.call('init', ['inflater']).catch(() => {});
  client.call('warmUp').catch(() => {});
}

function isGzip(bytes) {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decodes gzip `files` ({name, bytes}) into the main worker's staging area through the
 * inflater, in order. Resolves true when every file is staged (the caller then calls
 * loadStaged or loadStagedPair), false when the inflater cannot help (the caller loads the
 * ordinary way). Rejects with the main worker's error when a file is bad, as a load would.
 * `onProgress(stage, fileIndex, fileCount)` as for a load.
 */
export async function stageThroughInflater(client, files, onProgress) {
  if (!inflater && deaths > 0 && deaths < MAX_DEATHS) startInflater();
  if (!inflater || files.length === 0 || !files.every((f) => isGzip(f.bytes))) return false;
  const helper = inflater;
  // The inflater takes every file at once and runs ahead; each channel queues its chunks until
  // the main worker reads that file.
  const channels = files.map((f) => {
    const channel = new MessageChannel();
    const copy = f.bytes.slice(); // the caller keeps its bytes for the ordinary way
    const done = helper.call('gunzip', [copy, channel.port2], { transfer: [copy.buffer, channel.port2] });
    return { port: channel.port1, done };
  });
  let helperDied = false;
  const died = Promise.all(channels.map((c) => c.done)).then(() => new Promise(() => {}), () => {
    helperDied = true;
  });
  try {
    for (let i = 0; i < files.length; i++) {
      const progress = onProgress ? (stage) => onProgress(stage, i, files.length) : null;
      const staged = client.call('stageStream', [files[i].name, files[i].bytes.length, channels[i].port], {
        transfer: [channels[i].port],
        onProgress: progress,
      });
      staged.catch(() => {}); // when the inflater died, abortStream ends it
      await Promise.race([staged, died]);
      if (helperDied) {
        await client.call('abortStream');
        return false;
      }
    }
  } catch (e) {
    for (const c of channels) c.port.close();
    throw e;
  }
  return true;
}
