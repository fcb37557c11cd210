import { preflightApi } from '../api/preflight-api';

/** A small warm-up (connection, TCP slow start) then three chunks that are measured: 6.25 MiB in all. */
export const UPLOAD_TEST_CHUNKS = [256 * 1024, 2 * 1024 * 1024, 2 * 1024 * 1024, 2 * 1024 * 1024] as const;
const TOTAL = UPLOAD_TEST_CHUNKS.reduce((a, b) => a + b, 0);

export interface UploadTestResult {
  /** What the browser measured over the measured chunks (send to answer), kbps. */
  browserKbps: number;
  /** What the server measured (first to last byte of each chunk), kbps; null when too short to tell. */
  serverKbps: number | null;
  bytes: number;
}

/** kbps from bytes over ms (0 when no time passed). Pure. */
export function kbpsOf(bytes: number, ms: number): number {
  return ms > 0 ? Math.round((bytes * 8) / ms) : 0;
}

/**
 * Sends the chunks to Onair one after another (random bytes: a compressing proxy learns nothing)
 * and measures: the browser times each request, the server times what it received. The warm-up
 * chunk is not counted. `onProgress` gets 0..1.
 */
export async function runUploadTest(sessionId: string, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<UploadTestResult> {
  let done = 0;
  let measuredBytes = 0;
  let browserMs = 0;
  let serverMs = 0;
  for (const [i, size] of UPLOAD_TEST_CHUNKS.entries()) {
    const bytes = new Uint8Array(size);
    // getRandomValues fills at most 64 KiB per call.
    for (let o = 0; o < size; o += 65536) crypto.getRandomValues(bytes.subarray(o, Math.min(size, o + 65536)));
    const started = performance.now();
    const reply = await preflightApi.uploadChunk(sessionId, bytes, (sent) => { onProgress((done + sent) / TOTAL); }, signal);
    const took = performance.now() - started;
    done += size;
    onProgress(done / TOTAL);
    if (i === 0) continue;
    measuredBytes += reply.bytes;
    browserMs += took;
    serverMs += reply.receiveMs;
  }
  return { browserKbps: kbpsOf(measuredBytes, browserMs), serverKbps: serverMs >= 5 ? kbpsOf(measuredBytes, serverMs) : null, bytes: measuredBytes };
}
