import type { AutoCheck, PreflightAuto } from '../../../../contracts/preflight.contract.js';
import { requiredUploadKbps } from '../../../../contracts/preflight.contract.js';
import { MAX_KEYFRAME_INTERVAL_S } from '../../../../contracts/video.contract.js';

/** What the auto checks read from the live stream (VideoService.health) — null when nobody publishes. */
export interface HealthReading {
  videoBitrate: number;
  audioPresent: boolean;
  keyframeInterval: number | null;
}

/** The stored speed-test result of network.upload. */
export interface UploadReading {
  measuredKbps: number | null;
  targetKbps: number | null;
}

/** The ingest warns above 2 s + this (its mean of the last keyframes jitters by a frame). */
const KEYFRAME_TOLERANCE_S = 0.05;

const unknown = (reason: string): AutoCheck => ({ status: 'unknown', reason, value: null, limit: null });

/** An item's machine check, from the live health reading and the stored speed test. Pure. */
export function autoCheck(kind: PreflightAuto, health: HealthReading | null, upload: UploadReading): AutoCheck {
  switch (kind) {
    case 'encoder':
      if (!health) return unknown('NO_ENCODER');
      if (health.videoBitrate <= 0) return { status: 'fail', reason: 'NO_VIDEO', value: null, limit: null };
      if (!health.audioPresent) return { status: 'fail', reason: 'NO_AUDIO', value: null, limit: null };
      return { status: 'pass', reason: null, value: null, limit: null };
    case 'keyframes':
      if (!health) return unknown('NO_ENCODER');
      if (health.keyframeInterval === null) return unknown('MEASURING');
      return health.keyframeInterval <= MAX_KEYFRAME_INTERVAL_S + KEYFRAME_TOLERANCE_S
        ? { status: 'pass', reason: null, value: health.keyframeInterval, limit: MAX_KEYFRAME_INTERVAL_S }
        : { status: 'fail', reason: 'KEYFRAMES_TOO_FAR', value: health.keyframeInterval, limit: MAX_KEYFRAME_INTERVAL_S };
    case 'upload': {
      if (upload.measuredKbps === null || upload.targetKbps === null) return unknown('NOT_MEASURED');
      const need = requiredUploadKbps(upload.targetKbps);
      return upload.measuredKbps >= need
        ? { status: 'pass', reason: null, value: upload.measuredKbps, limit: need }
        : { status: 'fail', reason: 'UPLOAD_TOO_SLOW', value: upload.measuredKbps, limit: need };
    }
  }
}

/**
 * Done: a passing auto check counts on its own; a failing one overrides a tick (the machine
 * sees the problem now); otherwise the person's tick decides.
 */
export function itemDone(checked: boolean, auto: AutoCheck | null): boolean {
  if (auto?.status === 'pass') return true;
  if (auto?.status === 'fail') return false;
  return checked;
}

/** "n of m done", and ready when every item is done. `failing`: items whose auto check fails. */
export function summarize(items: readonly { key: string; done: boolean; auto: AutoCheck | null }[]): { done: number; total: number; ready: boolean; failing: string[] } {
  const done = items.filter((i) => i.done).length;
  return { done, total: items.length, ready: items.length > 0 && done === items.length, failing: items.filter((i) => i.auto?.status === 'fail').map((i) => i.key) };
}

/** Mbit/s from bytes over milliseconds; null when the time is too short to mean anything. */
export function mbitPerSecond(bytes: number, ms: number): number | null {
  if (ms < 5 || bytes <= 0) return null;
  return Math.round(((bytes * 8) / (ms / 1000) / 1e6) * 100) / 100;
}
