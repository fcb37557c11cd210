import { z } from 'zod';

/**
 * Draws (抽奖): the published, verifiable record of a provably fair draw, and the eligibility rule
 * set an operator configures. Algorithm: src/server/modules/interact/core/fair-draw.ts; described
 * for re-implementation in src/server/modules/interact/README.md ("Provably fair draws").
 *
 * Canonical encodings (algorithm 'onair-draw-v1'):
 * - seed: 32 random bytes, written as 64 lowercase hex characters.
 * - commitment: SHA-256 of the 32 raw seed bytes (not of the hex text), as 64 lowercase hex
 *   characters. Published when the draw opens.
 * - entrant id: 1-128 characters from [A-Za-z0-9_.:-] (ASCII, so sorting by UTF-16 code unit,
 *   by code point and by byte all agree).
 * - entrant list: the distinct ids sorted ascending by code unit (plain byte order), joined with
 *   '\n' (0x0A, no trailing newline), encoded as UTF-8 (= ASCII). The empty list is the empty string.
 * - entrantsHash: SHA-256 of that entrant list, 64 lowercase hex. Published when entries close.
 * - winners: for i = 0 .. min(winnerCount, n) - 1, a partial Fisher–Yates shuffle of the sorted
 *   list, each swap index drawn from HMAC-SHA256(key = seed bytes, message =
 *   `onair-draw-v1:${i}:${attempt}`) with rejection sampling (see the README).
 */

const hex64 = (what: string) =>
  z.string({ error: `expected ${what} as 64 lowercase hex characters` }).regex(/^[0-9a-f]{64}$/, `expected ${what} as 64 lowercase hex characters`);

export const entrantIdPattern = /^[A-Za-z0-9_.:-]{1,128}$/;
export const entrantIdSchema = z
  .string({ error: 'expected an entrant id (text)' })
  .regex(entrantIdPattern, 'expected an entrant id of 1-128 characters from A-Z a-z 0-9 _ . : -');

/** The most winners one draw may have (issue 6: up to 10,000 prizes). */
export const MAX_DRAW_WINNERS = 10_000;

export const drawRecordSchema = z.strictObject({
  version: z.literal(1, { error: 'expected version 1' }),
  drawId: z.string({ error: 'expected the draw id (text)' }).min(1, 'expected the draw id').max(64),
  sessionId: z.string({ error: 'expected the session id (text)' }).min(1, 'expected the session id').max(64),
  algorithm: z.literal('onair-draw-v1', { error: "expected algorithm 'onair-draw-v1'" }),
  /** SHA-256 of the seed bytes; published when the draw opens. */
  commitment: hex64('the commitment'),
  /** Revealed after the draw; null before. */
  seed: hex64('the seed').nullable(),
  /** SHA-256 of the canonical entrant list; published when entries close. */
  entrantsHash: hex64('the entrants hash'),
  /** Entrant ids, sorted by code unit, distinct. */
  entrants: z.array(entrantIdSchema, { error: 'expected the entrants as a list of ids' }).max(1_000_000),
  /** Winners asked for; fewer are drawn when there are fewer entrants. */
  winnerCount: z
    .number({ error: 'expected the winner count as a whole number' })
    .int('expected the winner count as a whole number')
    .min(1, 'expected at least 1 winner')
    .max(MAX_DRAW_WINNERS, `expected at most ${MAX_DRAW_WINNERS} winners`),
  /** Winners in draw order (first drawn first). */
  winners: z.array(entrantIdSchema, { error: 'expected the winners as a list of ids' }),
});
export type DrawRecord = z.output<typeof drawRecordSchema>;

/** Eligibility rule codes, as returned for an entrant who does not qualify. */
export const drawRuleCodes = ['phrase', 'watch_time', 'fan_level', 'follows_brand', 'reserved', 'bought', 'account_age', 'repeat_win_cap', 'in_room'] as const;
export type DrawRuleCode = (typeof drawRuleCodes)[number];

const flag = (what: string) => z.boolean({ error: `expected true or false (${what})` }).default(false);

/** The eligibility rules of one draw; every rule set is combined with AND. Absent = not required. */
export const drawRulesSchema = z.strictObject({
  /** 口令: the entrant commented this phrase during the entry window (case, width and spaces ignored). */
  phrase: z.string({ error: 'expected the phrase as text' }).trim().min(1, 'expected a phrase of at least 1 character').max(50, 'expected a phrase of at most 50 characters').optional(),
  /** Watched at least this many minutes of this session. */
  minWatchMinutes: z
    .number({ error: 'expected a whole number of minutes' })
    .int('expected a whole number of minutes')
    .min(1, 'expected at least 1 minute')
    .max(1440, 'expected at most 1440 minutes')
    .optional(),
  /** Fan-club level at least this. */
  minFanLevel: z.number({ error: 'expected a whole fan level' }).int('expected a whole fan level').min(1, 'expected a fan level of at least 1').max(100, 'expected a fan level of at most 100').optional(),
  followsBrand: flag('follows the brand'),
  reservedSession: flag('reserved the session'),
  boughtInSession: flag('bought in this session'),
  /** The account was created before the session started. */
  accountOlderThanSession: flag('account older than the session'),
  /** The winner must still be in the room when the draw runs. */
  inRoomAtDraw: flag('still in the room at the draw'),
  /** At most maxWins wins across this brand's draws in the last windowDays days. */
  repeatWinCap: z
    .strictObject({
      maxWins: z.number({ error: 'expected a whole number of wins' }).int('expected a whole number of wins').min(1, 'expected at least 1 win').max(1000),
      windowDays: z.number({ error: 'expected a whole number of days' }).int('expected a whole number of days').min(1, 'expected at least 1 day').max(365, 'expected at most 365 days').default(30),
    })
    .optional(),
});
export type DrawRules = z.output<typeof drawRulesSchema>;
export type DrawRulesInput = z.input<typeof drawRulesSchema>;
