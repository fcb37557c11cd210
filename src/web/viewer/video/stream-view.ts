import type { SessionStatus } from '../../api/api-types';
import type { StreamState } from '../../api/video-api';
import type { ServerClockSample } from './player-choice';

/**
 * What the viewer page knows of the stream: the newest of the `/stream` answers and the room's
 * `stream` events, each stamped with the server's clock.
 */
export interface StreamView {
  state: StreamState;
  since: number | null;
  graceEndsAt: number | null;
  /** Server time (ms) of the news this state came from: older news never overwrites it. */
  at: number;
  /** Where to play, from the latest `/stream` answer (events carry no address). */
  flvUrl: string | null;
  /** The live HLS playlist, from the same answer (null when the server has no ffmpeg). */
  hlsUrl: string | null;
  /** The server's stream clock from the latest `/stream` answer, stamped with this browser's clock (the team's latency readout). */
  clock: ServerClockSample | null;
  /** Server clock − this browser's clock when the news arrived, for the grace countdown. */
  serverOffsetMs: number;
  /**
   * Bumped each time the stream goes live again (after reconnecting or offline, or a new
   * publish): a player still open on the old connection starts over.
   */
  liveEpoch: number;
}

/** A `/stream` answer (with `flvUrl`) or a room `stream` event (without). */
export interface StreamNews {
  state: StreamState;
  since: number | null;
  graceEndsAt: number | null;
  now: number;
  flvUrl?: string;
  hlsUrl?: string | null;
  position?: { publishId: string; ts: number } | null;
}

/**
 * Folds news into the view. A fetch that the server answered before an event it later sent can
 * land after that event: its state is then dropped, but its address is still the newest one.
 */
export function mergeStreamNews(prev: StreamView | null, news: StreamNews, localNowMs: number): StreamView {
  const flvUrl = news.flvUrl ?? prev?.flvUrl ?? null;
  const hlsUrl = news.hlsUrl !== undefined ? news.hlsUrl : (prev?.hlsUrl ?? null);
  const clock = news.position !== undefined ? (news.position ? { ...news.position, atLocalMs: localNowMs } : null) : (prev?.clock ?? null);
  if (prev && news.now < prev.at) return flvUrl === prev.flvUrl && hlsUrl === prev.hlsUrl && clock === prev.clock ? prev : { ...prev, flvUrl, hlsUrl, clock };
  // The first news is no "again": the player it brings is a new one anyway.
  const liveAgain = prev !== null && news.state === 'live' && (prev.state !== 'live' || prev.since !== news.since);
  return {
    state: news.state,
    since: news.since,
    graceEndsAt: news.state === 'reconnecting' ? news.graceEndsAt : null,
    at: news.now,
    flvUrl,
    hlsUrl,
    clock,
    serverOffsetMs: news.now - localNowMs,
    liveEpoch: (prev?.liveEpoch ?? 0) + (liveAgain ? 1 : 0),
  };
}

/** What the state overlay shows (`data-state`): `loading` only while a live session's first answer is awaited. */
export type StageState = 'loading' | StreamState;

export function stageState(view: StreamView | null, sessionStatus: SessionStatus): StageState {
  // An ended session has no picture, whatever a late answer says.
  if (sessionStatus === 'ended' || sessionStatus === 'archived') return 'offline';
  if (view) return view.state;
  // Not live yet: say so at once (a stream that just started corrects it when the answer lands).
  return sessionStatus === 'live' ? 'loading' : 'offline';
}

/** The sentence over the video (a key under `viewer.video`), or null when the picture speaks for itself. */
export type StageMessage = 'loading' | 'notLive' | 'ended' | 'reconnecting' | null;

export function stageMessage(state: StageState, sessionStatus: SessionStatus): StageMessage {
  switch (state) {
    case 'loading':
      return 'loading';
    case 'offline':
      return sessionStatus === 'ended' || sessionStatus === 'archived' ? 'ended' : 'notLive';
    case 'reconnecting':
      return 'reconnecting';
    case 'live':
      return null;
  }
}

/** Whether a player should exist: while live, and while reconnecting (it keeps the last frame). */
export function wantsPlayer(view: StreamView | null, state: StageState): boolean {
  return view !== null && (view.flvUrl ?? view.hlsUrl ?? null) !== null && (state === 'live' || state === 'reconnecting');
}

/** Milliseconds of grace left at `serverNowMs`, never negative; null when not reconnecting. */
export function graceLeftMs(view: Pick<StreamView, 'state' | 'graceEndsAt'> | null, serverNowMs: number): number | null {
  if (!view || view.state !== 'reconnecting' || view.graceEndsAt === null) return null;
  return Math.max(0, view.graceEndsAt - serverNowMs);
}
