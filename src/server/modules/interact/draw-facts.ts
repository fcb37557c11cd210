import type { DrawRules } from '../../../contracts/draw.contract.js';
import type { EntrantFacts } from './core/draw-eligibility.js';
import type { DrawsStore } from './draws.store.js';
import type { InteractDeps } from './interact.deps.js';
import type { WatchTimeTracker } from './watch-time.js';

const DAY_MS = 86_400_000;
/** Viewers per call to another module's port (keeps their `in (...)` lists short). */
const PER_CALL = 1000;

export interface EntryForFacts {
  viewerId: string;
  via: 'button' | 'phrase';
}

async function chunked<T>(ids: readonly string[], f: (part: string[]) => Promise<T>, merge: (acc: T[]) => void): Promise<void> {
  const acc: T[] = [];
  for (let i = 0; i < ids.length; i += PER_CALL) acc.push(await f(ids.slice(i, i + PER_CALL)));
  merge(acc);
}

/**
 * Each entrant's facts for the eligibility rules (core/draw-eligibility.ts), gathered from the
 * modules that own them when entries close. Only the facts a rule in force needs are asked for.
 *
 * The phrase: an entry made by commenting the phrase during the window is the proof itself (the
 * button is refused while a phrase is set), so such an entry counts as having commented it.
 * In room: read at close, when the entrant list is frozen (it must be fixed before the seed is
 * revealed, so a later "at the draw" check could not change the published list).
 */
export async function gatherFacts(
  d: InteractDeps,
  watch: WatchTimeTracker,
  store: DrawsStore,
  draw: { sessionId: string; brandId: string | null; rules: DrawRules; phrase: string | null },
  entries: readonly EntryForFacts[],
  now: number,
): Promise<Map<string, EntrantFacts>> {
  const ids = entries.map((e) => e.viewerId);
  const r = draw.rules;
  const watched = new Map<string, number>();
  const follows = new Set<string>();
  const reserved = new Set<string>();
  const bought = new Set<string>();
  const levels = new Map<string, number>();
  const created = new Map<string, number>();
  let wins = new Map<string, number[]>();

  if (r.minWatchMinutes !== undefined) for (const [k, v] of await watch.watchedMs(draw.sessionId, ids)) watched.set(k, v);
  if (r.followsBrand) await chunked(ids, (p) => d.fans.follows(draw.brandId, p), (xs) => xs.forEach((s) => s.forEach((v) => follows.add(v))));
  if (r.reservedSession) await chunked(ids, (p) => d.fans.reserved(draw.sessionId, p), (xs) => xs.forEach((s) => s.forEach((v) => reserved.add(v))));
  if (r.boughtInSession) await chunked(ids, (p) => d.buyers(draw.sessionId, p), (xs) => xs.forEach((s) => s.forEach((v) => bought.add(v))));
  if (r.minFanLevel !== undefined) await chunked(ids, (p) => d.fans.fanLevels(draw.brandId, p), (xs) => xs.forEach((m) => m.forEach((lv, v) => levels.set(v, lv))));
  if (r.accountOlderThanSession) await chunked(ids, (p) => d.viewers.createdAt(p), (xs) => xs.forEach((m) => m.forEach((t, v) => created.set(v, t))));
  if (r.repeatWinCap) wins = await store.winsSince(draw.brandId, ids, new Date(now - r.repeatWinCap.windowDays * DAY_MS).toISOString());

  const out = new Map<string, EntrantFacts>();
  for (const e of entries) {
    out.set(e.viewerId, {
      commentsInWindow: e.via === 'phrase' && draw.phrase !== null ? [draw.phrase] : [],
      watchedMinutes: Math.floor((watched.get(e.viewerId) ?? 0) / 60_000),
      fanLevel: levels.get(e.viewerId) ?? 0,
      followsBrand: follows.has(e.viewerId),
      reservedSession: reserved.has(e.viewerId),
      boughtInSession: bought.has(e.viewerId),
      // An account we cannot find (closed since) is not older than anything.
      accountCreatedAt: created.get(e.viewerId) ?? Number.POSITIVE_INFINITY,
      inRoom: r.inRoomAtDraw ? d.inRoom(draw.sessionId, e.viewerId) : false,
      pastWinsAt: wins.get(e.viewerId) ?? [],
    });
  }
  return out;
}
