import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Moves SQLite's WAL checkpoints off the event loop. With the default auto-checkpoint, the commit
 * that crosses 1,000 WAL pages copies them into the database file and syncs it, synchronously:
 * measured on the flash-sale storm, 54 of 1,110 commits took over 1 ms (up to 24 ms), a pause of
 * every request in the process. Here the writing connection never checkpoints
 * (`wal_autocheckpoint = 0`) and a worker thread with its own connection runs a PASSIVE checkpoint
 * every `everyMs` (PASSIVE never waits for, nor blocks, readers or the writer; what it cannot
 * copy now it copies next time). If the worker cannot run, the writer checkpoints itself again.
 */
export interface WalCheckpointer {
  /** Runs a checkpoint now in the worker and resolves with [busy, walFrames, checkpointedFrames]. */
  now(): Promise<[number, number, number]>;
  /** Stops the worker (the caller then checkpoints with TRUNCATE as it closes). */
  stop(): Promise<void>;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file);
db.pragma('busy_timeout = 5000');
const run = () => {
  try {
    const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    return [r.busy, r.log, r.checkpointed];
  } catch (e) {
    return [1, -1, -1];
  }
};
const timer = setInterval(run, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m === 'now') parentPort.postMessage(run());
  if (m === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

export function startWalCheckpointer(file: string, writer: { pragma(source: string): unknown }, opts: { everyMs?: number; onError?: (err: unknown) => void } = {}): WalCheckpointer | null {
  let worker: Worker;
  try {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    worker = new Worker(WORKER, { eval: true, workerData: { file, driver, everyMs: opts.everyMs ?? 1000 } });
  } catch (err) {
    opts.onError?.(err);
    return null;
  }
  writer.pragma('wal_autocheckpoint = 0');
  worker.unref();
  let stopped = false;
  const fallBack = (err: unknown) => {
    if (stopped) return;
    stopped = true;
    // The worker died: the writing connection checkpoints by itself again.
    writer.pragma('wal_autocheckpoint = 1000');
    opts.onError?.(err);
  };
  worker.on('error', fallBack);
  worker.on('exit', (code) => {
    if (!stopped) fallBack(new Error(`WAL checkpoint worker exited with code ${code}`));
  });
  return {
    now: () =>
      new Promise((resolve, reject) => {
        if (stopped) return reject(new Error('WAL checkpointer stopped'));
        worker.once('message', (m: [number, number, number]) => resolve(m));
        worker.postMessage('now');
      }),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]);
      await worker.terminate().catch(() => undefined);
      writer.pragma('wal_autocheckpoint = 1000');
    },
  };
}
