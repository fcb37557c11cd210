import { z } from 'zod';
import {
  countdownViewSchema,
  drawViewSchema,
  drawPrizeKinds,
  pollViewSchema,
  questionViewSchema,
  quizViewSchema,
  topicViewSchema,
} from './room-tools.contract.js';
import { drawRecordSchema, drawRulesSchema, MAX_DRAW_WINNERS } from './draw.contract.js';
import { addressSchema } from './orders.contract.js';

/**
 * Interactive tools (issue 6): request bodies shared by the server and the web app.
 * Every message names its field, so a 400 reads on its own ("options: expected at least 2 options").
 */

export const POLL_MIN_OPTIONS = 2;
export const POLL_MAX_OPTIONS = 6;
export const POLL_MIN_DURATION_SECONDS = 5;
export const POLL_MAX_DURATION_SECONDS = 3_600;

const noDuplicates = <T>(xs: readonly T[]): boolean => new Set(xs).size === xs.length;

// --- polls ---------------------------------------------------------------------------
export const pollKindSchema = z.enum(['single', 'multiple'], { error: 'kind: expected "single" or "multiple"' });
export type PollKind = z.infer<typeof pollKindSchema>;

const pollOptionLabel = z
  .string({ error: 'options: expected text for each option' })
  .trim()
  .min(1, 'options: an option may not be empty')
  .max(80, 'options: an option has at most 80 characters');

export const createPollBody = z.strictObject({
  question: z
    .string({ error: 'question: expected text' })
    .trim()
    .min(1, 'question: may not be empty')
    .max(200, 'question: at most 200 characters'),
  kind: pollKindSchema,
  options: z
    .array(pollOptionLabel, { error: 'options: expected a list of option labels' })
    .min(POLL_MIN_OPTIONS, `options: expected at least ${POLL_MIN_OPTIONS} options`)
    .max(POLL_MAX_OPTIONS, `options: expected at most ${POLL_MAX_OPTIONS} options`)
    .refine((xs) => noDuplicates(xs.map((x) => x.toLowerCase())), 'options: two options have the same label'),
  durationSeconds: z
    .number({ error: 'durationSeconds: expected a number of seconds' })
    .int('durationSeconds: expected whole seconds')
    .min(POLL_MIN_DURATION_SECONDS, `durationSeconds: expected at least ${POLL_MIN_DURATION_SECONDS}`)
    .max(POLL_MAX_DURATION_SECONDS, `durationSeconds: expected at most ${POLL_MAX_DURATION_SECONDS}`),
});
export type CreatePollBody = z.infer<typeof createPollBody>;

/** A vote names option indexes; the core checks them against the poll (kind, option count). */
export const pollVoteBody = z.strictObject({
  choices: z
    .array(
      z
        .number({ error: 'choices: expected option indexes' })
        .int('choices: an option index is a whole number')
        .min(0, 'choices: an option index is at least 0')
        .max(POLL_MAX_OPTIONS - 1, `choices: an option index is at most ${POLL_MAX_OPTIONS - 1}`),
      { error: 'choices: expected a list of option indexes' },
    )
    .min(1, 'choices: expected at least one option')
    .max(POLL_MAX_OPTIONS, `choices: expected at most ${POLL_MAX_OPTIONS} options`)
    .refine(noDuplicates, 'choices: an option is chosen twice'),
});
export type PollVoteBody = z.infer<typeof pollVoteBody>;

// --- quizzes -------------------------------------------------------------------------
export const quizQuestionBody = z
  .strictObject({
    prompt: z.string({ error: 'prompt: expected text' }).trim().min(1, 'prompt: may not be empty').max(300, 'prompt: at most 300 characters'),
    options: z
      .array(z.string({ error: 'options: expected text' }).trim().min(1, 'options: an option may not be empty').max(120, 'options: at most 120 characters'))
      .min(2, 'options: expected at least 2 options')
      .max(6, 'options: expected at most 6 options'),
    correctIndex: z.number({ error: 'correctIndex: expected an option index' }).int('correctIndex: expected a whole number').min(0, 'correctIndex: expected at least 0'),
    windowSeconds: z
      .number({ error: 'windowSeconds: expected a number of seconds' })
      .int('windowSeconds: expected whole seconds')
      .min(3, 'windowSeconds: expected at least 3')
      .max(600, 'windowSeconds: expected at most 600'),
  })
  .refine((q) => q.correctIndex < q.options.length, { message: 'correctIndex: expected the index of one of the options', path: ['correctIndex'] });

export const createQuizBody = z.strictObject({
  title: z.string({ error: 'title: expected text' }).trim().min(1, 'title: may not be empty').max(120, 'title: at most 120 characters'),
  questions: z.array(quizQuestionBody).min(1, 'questions: expected at least one question').max(50, 'questions: expected at most 50 questions'),
  rewardTopN: z.number({ error: 'rewardTopN: expected a number' }).int('rewardTopN: expected a whole number').min(0, 'rewardTopN: expected at least 0').max(1_000, 'rewardTopN: expected at most 1000'),
});
export type CreateQuizBody = z.infer<typeof createQuizBody>;

export const quizAnswerBody = z.strictObject({
  questionIndex: z.number({ error: 'questionIndex: expected a number' }).int('questionIndex: expected a whole number').min(0, 'questionIndex: expected at least 0'),
  choice: z.number({ error: 'choice: expected an option index' }).int('choice: expected a whole number').min(0, 'choice: expected at least 0').max(5, 'choice: expected at most 5'),
});

// --- Q&A -----------------------------------------------------------------------------
export const submitQuestionBody = z.strictObject({
  text: z.string({ error: 'text: expected text' }).trim().min(3, 'text: expected at least 3 characters').max(300, 'text: at most 300 characters'),
});
export const answerQuestionBody = z.strictObject({
  answerText: z.string({ error: 'answerText: expected text' }).trim().min(1, 'answerText: may not be empty').max(2_000, 'answerText: at most 2000 characters').optional(),
});

// =====================================================================================
// HTTP API (issue 6). Console routes under /api/console/sessions/:id/interact, audience ones
// under /api/live/:id/interact, the public draw pages under /api/draws/:drawId, a viewer's
// prizes under /api/viewer/prizes. The room sees the tools through room events
// (room-tools.contract.ts); these replies add what only the console or the viewer may see.
// =====================================================================================

const toolIdText = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'expected an id');
/** :id is the session, :toolId the poll / draw / quiz / question / topic / countdown. */
export const toolParams = z.object({ id: toolIdText, toolId: toolIdText });
export const drawIdParam = z.object({ drawId: toolIdText });
export const prizeIdParam = z.object({ prizeId: toolIdText });

// --- polls ---------------------------------------------------------------------------
export const pollDetailSchema = pollViewSchema.extend({
  durationSeconds: z.number().int(),
  createdAt: z.string(),
  openedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
});
export type PollDetail = z.infer<typeof pollDetailSchema>;

// --- draws ---------------------------------------------------------------------------
export const DRAW_MIN_ENTRY_SECONDS = 10;
export const DRAW_MAX_ENTRY_SECONDS = 3_600;
export const DEFAULT_CLAIM_HOURS = 48;

export const drawPrizeBody = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('product'), productId: toolIdText, label: z.string().trim().min(1, 'prize.label: may not be empty').max(80, 'prize.label: at most 80 characters').optional() }),
    z.strictObject({ kind: z.literal('coupon'), templateId: toolIdText, label: z.string().trim().min(1).max(80).optional() }),
    z.strictObject({
      kind: z.literal('points'),
      points: z.number({ error: 'prize.points: expected a number' }).int('prize.points: expected a whole number').min(1, 'prize.points: at least 1').max(1_000_000, 'prize.points: at most 1000000'),
      label: z.string().trim().min(1).max(80).optional(),
    }),
    z.strictObject({ kind: z.literal('text'), label: z.string({ error: 'prize.label: expected text' }).trim().min(1, 'prize.label: may not be empty').max(80, 'prize.label: at most 80 characters') }),
  ],
  { error: `prize.kind: expected one of ${drawPrizeKinds.join(', ')}` },
);
export type DrawPrizeBody = z.infer<typeof drawPrizeBody>;

export const createDrawBody = z.strictObject({
  title: z.string({ error: 'title: expected text' }).trim().min(1, 'title: may not be empty').max(120, 'title: at most 120 characters'),
  prize: drawPrizeBody,
  winnerCount: z
    .number({ error: 'winnerCount: expected a number' })
    .int('winnerCount: expected a whole number')
    .min(1, 'winnerCount: at least 1')
    .max(MAX_DRAW_WINNERS, `winnerCount: at most ${MAX_DRAW_WINNERS}`),
  entrySeconds: z
    .number({ error: 'entrySeconds: expected a number of seconds' })
    .int('entrySeconds: expected whole seconds')
    .min(DRAW_MIN_ENTRY_SECONDS, `entrySeconds: at least ${DRAW_MIN_ENTRY_SECONDS}`)
    .max(DRAW_MAX_ENTRY_SECONDS, `entrySeconds: at most ${DRAW_MAX_ENTRY_SECONDS}`),
  rules: drawRulesSchema.default({ followsBrand: false, reservedSession: false, boughtInSession: false, accountOlderThanSession: false, inRoomAtDraw: false }),
  claimHours: z.number({ error: 'claimHours: expected a number of hours' }).int('claimHours: expected whole hours').min(1, 'claimHours: at least 1').max(720, 'claimHours: at most 720').default(DEFAULT_CLAIM_HOURS),
  /** What happens to a prize nobody claimed by the deadline: drawn again from the same list, or lapsed. */
  unclaimed: z.enum(['redraw', 'lapse'], { error: 'unclaimed: expected "redraw" or "lapse"' }).default('redraw'),
});
export type CreateDrawBody = z.input<typeof createDrawBody>;

export const drawClaimCountsSchema = z.object({ pending: z.number().int(), claimed: z.number().int(), issued: z.number().int(), lapsed: z.number().int(), redrawn: z.number().int() });
export const drawDetailSchema = drawViewSchema.extend({
  entrySeconds: z.number().int(),
  ruleSet: drawRulesSchema,
  claimHours: z.number().int(),
  unclaimed: z.enum(['redraw', 'lapse']),
  prizeRef: z.string().nullable(),
  prizePoints: z.number().int().nullable(),
  /** Everyone who entered, eligible or not. */
  entries: z.number().int(),
  claims: drawClaimCountsSchema,
  createdAt: z.string(),
  openedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  drawnAt: z.string().nullable(),
});
export type DrawDetail = z.infer<typeof drawDetailSchema>;

export const prizeStatuses = ['pending', 'claimed', 'issued', 'lapsed', 'redrawn'] as const;
export type PrizeStatus = (typeof prizeStatuses)[number];
export const drawWinnerRowSchema = z.object({
  id: z.string(),
  viewerId: z.string(),
  name: z.string(),
  place: z.number().int(),
  status: z.enum(prizeStatuses),
  wonAt: z.string(),
  claimBy: z.string().nullable(),
  claimedAt: z.string().nullable(),
  /** The shipping address: whole for fulfilment:write, else null (hasAddress says whether one was given). */
  address: addressSchema.nullable(),
  hasAddress: z.boolean(),
  /** Coupon id or points ledger reference issued for this prize. */
  issuedRef: z.string().nullable(),
  note: z.string().nullable(),
});
export const drawWinnersReply = z.object({ items: z.array(drawWinnerRowSchema) });

/** The public verification page's data: the draw as published and, once drawn, its record. */
export const publicDrawReply = z.object({
  draw: drawViewSchema,
  sessionId: z.string(),
  sessionTitle: z.string(),
  ruleSet: drawRulesSchema,
  openedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  drawnAt: z.string().nullable(),
  /** Every winner in draw order, with nicknames (the room shows the first ROOM_WINNERS_SHOWN). */
  winners: z.array(z.object({ id: z.string(), name: z.string(), place: z.number().int() })),
  /** null until drawn (the seed is revealed with the winners). */
  record: drawRecordSchema.nullable(),
});
export type PublicDrawReply = z.infer<typeof publicDrawReply>;

// --- a viewer's prizes ---------------------------------------------------------------------
export const prizeItemSchema = z.object({
  id: z.string(),
  drawId: z.string(),
  drawTitle: z.string(),
  sessionId: z.string(),
  prize: z.object({ kind: z.enum(drawPrizeKinds), label: z.string() }),
  status: z.enum(prizeStatuses),
  wonAt: z.string(),
  /** Deadline to give a shipping address (product and text prizes); null when nothing to claim. */
  claimBy: z.string().nullable(),
  claimedAt: z.string().nullable(),
  needsAddress: z.boolean(),
  seen: z.boolean(),
});
export type PrizeItem = z.infer<typeof prizeItemSchema>;
export const prizeListReply = z.object({ items: z.array(prizeItemSchema), unseen: z.number().int() });
export const claimPrizeBody = z.strictObject({ address: addressSchema });

// --- quizzes -----------------------------------------------------------------------------
export const quizRewardBody = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('none') }),
    z.strictObject({ kind: z.literal('points'), points: z.number({ error: 'reward.points: expected a number' }).int('reward.points: expected a whole number').min(1, 'reward.points: at least 1').max(1_000_000) }),
    z.strictObject({ kind: z.literal('coupon'), templateId: toolIdText }),
  ],
  { error: 'reward.kind: expected "none", "points" or "coupon"' },
);
export const createQuizWithRewardBody = createQuizBody.extend({ reward: quizRewardBody.default({ kind: 'none' }) });
export type CreateQuizWithRewardBody = z.input<typeof createQuizWithRewardBody>;
export const quizDetailSchema = quizViewSchema.extend({
  questions: z.array(z.object({ prompt: z.string(), options: z.array(z.string()), correctIndex: z.number().int(), windowSeconds: z.number().int() })),
  rewardTopN: z.number().int(),
  reward: z.object({ kind: z.enum(['none', 'points', 'coupon']), points: z.number().int().nullable(), templateId: z.string().nullable() }),
  rewardedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type QuizDetail = z.infer<typeof quizDetailSchema>;

// --- topics and countdowns ----------------------------------------------------------------------
export const TOPIC_TAG_PATTERN = /^[\p{L}\p{N}_]{1,30}$/u;
export const pinTopicBody = z.strictObject({
  /** The hashtag, with or without '#': letters (any script), digits, '_'. */
  tag: z
    .string({ error: 'tag: expected text' })
    .trim()
    .transform((t) => t.replace(/^#/, ''))
    .pipe(z.string().regex(TOPIC_TAG_PATTERN, 'tag: 1-30 letters, digits or _ (no spaces)')),
  title: z.string({ error: 'title: expected text' }).trim().min(1, 'title: may not be empty').max(120, 'title: at most 120 characters'),
});
export const topicDetailSchema = topicViewSchema.extend({
  status: z.enum(['pinned', 'unpinned']),
  pinnedAt: z.string().nullable(),
  unpinnedAt: z.string().nullable(),
  /** The latest comments carrying the tag, newest first. */
  recent: z.array(z.object({ name: z.string(), text: z.string(), at: z.string() })),
});
export type TopicDetail = z.infer<typeof topicDetailSchema>;

export const createCountdownBody = z
  .strictObject({
    label: z.string({ error: 'label: expected text' }).trim().min(1, 'label: may not be empty').max(80, 'label: at most 80 characters'),
    /** When it ends (ISO 8601 with time zone), or in how many seconds. Exactly one. */
    endsAt: z.iso.datetime({ offset: true, error: 'endsAt: expected an ISO 8601 date-time with time zone' }).optional(),
    seconds: z.number({ error: 'seconds: expected a number' }).int('seconds: expected whole seconds').min(5, 'seconds: at least 5').max(86_400, 'seconds: at most 86400').optional(),
  })
  .refine((b) => (b.endsAt === undefined) !== (b.seconds === undefined), { message: 'endsAt: give either endsAt or seconds', path: ['endsAt'] });

// --- the console's overview and the viewer's own state ---------------------------------------------
export const interactOverviewReply = z.object({
  polls: z.array(pollDetailSchema),
  draws: z.array(drawDetailSchema),
  quizzes: z.array(quizDetailSchema),
  /** Every question of the session but dismissed ones: answering, waiting by votes, answered. */
  questions: z.array(questionViewSchema),
  topics: z.array(topicDetailSchema),
  countdowns: z.array(countdownViewSchema),
  /** Server time (ms since epoch) for countdowns. */
  now: z.number(),
});
export type InteractOverview = z.infer<typeof interactOverviewReply>;

export const myInteractReply = z.object({
  /** pollId -> the options this account chose. */
  votes: z.record(z.string(), z.array(z.number().int())),
  /** Draws this account entered. */
  entries: z.array(z.string()),
  /** quizId -> question index -> choice. */
  answers: z.record(z.string(), z.record(z.string(), z.number().int())),
  /** Questions this account upvoted. */
  upvoted: z.array(z.string()),
});
export type MyInteract = z.infer<typeof myInteractReply>;
