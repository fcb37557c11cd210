import { z } from 'zod';

/**
 * The room's interactive tools on the wire (issue 6): polls, draws, quizzes, Q&A, topics and
 * countdowns as room events inside a batch, the tools part of the welcome snapshot, and the one
 * reducer that applies an event to that snapshot. The server's hub and the web client run the
 * same reducer (room-tools.reducer.ts, free of zod so the browser bundle can take it), so a client
 * that joined from a snapshot and one that followed every batch agree.
 *
 * Counters that change per vote or entry travel as per-tick deltas from each node (`poll.tally`,
 * `draw.entries`, `quiz.answers`, `topic.stats`): the hub sums them into its snapshot and fills
 * in the totals before the event goes out, so the client just takes the totals. With several
 * nodes each publishes its own deltas and every hub sums the same stream.
 */

/** Where the picture was (see realtime.contract.ts `streamAtSchema`). */
export const streamAtSchema = z.object({ publishId: z.string(), ts: z.number() });
export type StreamAt = z.infer<typeof streamAtSchema>;
const at = streamAtSchema.nullable().optional();

// --- polls ------------------------------------------------------------------------------
export const pollViewSchema = z.object({
  id: z.string(),
  question: z.string(),
  kind: z.enum(['single', 'multiple']),
  options: z.array(z.string()),
  status: z.enum(['draft', 'open', 'closed']),
  /** ms since epoch; null until opened. */
  closesAt: z.number().nullable(),
  tally: z.array(z.number().int()),
  voters: z.number().int(),
});
export type PollView = z.infer<typeof pollViewSchema>;
/** A poll opened or closed (the whole view). */
export const pollEventSchema = z.object({ t: z.literal('poll'), poll: pollViewSchema, now: z.number(), at });
/**
 * A poll's counts changed this tick. Publishers send the totals as stored (`tally`, `voters`:
 * counted in the database, so a snapshot loaded meanwhile is never counted twice), or only the
 * change since their previous tick (`delta`, `dv`); the hub keeps the highest totals it has seen
 * (counts never go down, so a late message from another node cannot lower them) and always sends
 * the totals.
 */
export const pollTallyEventSchema = z.object({
  t: z.literal('poll.tally'),
  id: z.string(),
  delta: z.array(z.number().int()),
  dv: z.number().int(),
  tally: z.array(z.number().int()).optional(),
  voters: z.number().int().optional(),
});

// --- draws ------------------------------------------------------------------------------
export const drawPrizeKinds = ['product', 'coupon', 'points', 'text'] as const;
export type DrawPrizeKind = (typeof drawPrizeKinds)[number];
export const drawStatuses = ['draft', 'open', 'closed', 'drawn', 'cancelled'] as const;
export type DrawStatus = (typeof drawStatuses)[number];
export const drawWinnerViewSchema = z.object({ id: z.string(), name: z.string() });
/** Winners shown in the room (the full list is on the verification page). */
export const ROOM_WINNERS_SHOWN = 100;
export const drawViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  prize: z.object({ kind: z.enum(drawPrizeKinds), label: z.string() }),
  winnerCount: z.number().int(),
  status: z.enum(drawStatuses),
  /** 口令 to comment; null when entering is a button. */
  phrase: z.string().nullable(),
  /** Rule codes in force (for "who may enter" in the room). */
  rules: z.array(z.string()),
  /** When entries close (ms since epoch); null until opened. */
  closesAt: z.number().nullable(),
  commitment: z.string().nullable(),
  entrantsHash: z.string().nullable(),
  seed: z.string().nullable(),
  entrants: z.number().int(),
  winners: z.array(drawWinnerViewSchema),
  winnersTotal: z.number().int(),
});
export type DrawView = z.infer<typeof drawViewSchema>;
export const drawEventSchema = z.object({ t: z.literal('draw'), draw: drawViewSchema, now: z.number(), at });
/** Entries of a draw: the total as stored (`entrants`) or the change (`dn`); as `poll.tally`. */
export const drawEntriesEventSchema = z.object({ t: z.literal('draw.entries'), id: z.string(), dn: z.number().int(), entrants: z.number().int().optional() });

// --- quizzes ----------------------------------------------------------------------------
export const quizLeaderSchema = z.object({ rank: z.number().int(), name: z.string(), points: z.number().int(), correct: z.number().int() });
export const quizViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['draft', 'asking', 'revealed', 'finished']),
  questionCount: z.number().int(),
  current: z
    .object({
      index: z.number().int(),
      prompt: z.string(),
      options: z.array(z.string()),
      closesAt: z.number(),
      answerCount: z.number().int(),
      /** Only once the answer window has closed. */
      correctIndex: z.number().int().optional(),
    })
    .nullable(),
  leaderboard: z.array(quizLeaderSchema),
});
export type QuizView = z.infer<typeof quizViewSchema>;
export const quizEventSchema = z.object({ t: z.literal('quiz'), quiz: quizViewSchema, now: z.number(), at });
/** Answers to the question being asked: the total as stored (`answerCount`) or the change (`dn`); as `poll.tally`. */
export const quizAnswersEventSchema = z.object({ t: z.literal('quiz.answers'), id: z.string(), index: z.number().int(), dn: z.number().int(), answerCount: z.number().int().optional() });

// --- Q&A --------------------------------------------------------------------------------
export const questionViewSchema = z.object({
  id: z.string(),
  /** Asker's viewer id and nickname. */
  uid: z.string(),
  name: z.string(),
  text: z.string(),
  status: z.enum(['submitted', 'answering', 'answered', 'dismissed']),
  upvotes: z.number().int(),
  answerText: z.string().nullable(),
  /** ms since epoch. */
  askedAt: z.number(),
  answeredAt: z.number().nullable(),
  /** Console only: the chat filter held it for review (the room does not see it until it is taken up). */
  held: z.boolean().optional(),
});
export type QuestionView = z.infer<typeof questionViewSchema>;
/** A question added or changed (status, upvotes, answer). Dismissed ones leave the room's list. */
export const qnaEventSchema = z.object({ t: z.literal('qna'), question: questionViewSchema, at });

// --- topics and countdowns -----------------------------------------------------------------
export const topicViewSchema = z.object({ id: z.string(), tag: z.string(), title: z.string(), comments: z.number().int(), participants: z.number().int() });
export type TopicView = z.infer<typeof topicViewSchema>;
/** The pinned topic (话题) changed; null: unpinned. */
export const topicEventSchema = z.object({ t: z.literal('topic'), topic: topicViewSchema.nullable(), at });
/** The pinned topic's comments and participants: the totals as stored, or the changes (`dc`, `dp`); as `poll.tally`. */
export const topicStatsEventSchema = z.object({
  t: z.literal('topic.stats'),
  id: z.string(),
  dc: z.number().int(),
  dp: z.number().int(),
  comments: z.number().int().optional(),
  participants: z.number().int().optional(),
});
export const countdownViewSchema = z.object({
  id: z.string(),
  label: z.string(),
  /** ms since epoch. */
  endsAt: z.number(),
  status: z.enum(['running', 'done', 'cancelled']),
});
export type CountdownView = z.infer<typeof countdownViewSchema>;
export const countdownEventSchema = z.object({ t: z.literal('countdown'), countdown: countdownViewSchema, now: z.number(), at });

export const toolEventSchemas = [
  pollEventSchema,
  pollTallyEventSchema,
  drawEventSchema,
  drawEntriesEventSchema,
  quizEventSchema,
  quizAnswersEventSchema,
  qnaEventSchema,
  topicEventSchema,
  topicStatsEventSchema,
  countdownEventSchema,
] as const;
export const toolEventSchema = z.discriminatedUnion('t', [...toolEventSchemas]);
export type ToolEvent = z.infer<typeof toolEventSchema>;
export const TOOL_EVENT_TYPES: ReadonlySet<string> = new Set(toolEventSchemas.map((s) => s.shape.t.value));
/** Tool events shown when the viewer's picture reaches them (the host announcing them). */
export const TOOL_PICTURE_EVENTS = ['poll', 'draw', 'quiz', 'topic', 'countdown'] as const;

// --- the snapshot ----------------------------------------------------------------------------
export const roomToolsSchema = z.object({
  /** Open polls and the latest closed ones, newest last. */
  polls: z.array(pollViewSchema),
  /** Draws that are open, closed or recently drawn, newest last. */
  draws: z.array(drawViewSchema),
  quiz: quizViewSchema.nullable(),
  /** Answering now, waiting (by votes) and recently answered. */
  questions: z.array(questionViewSchema),
  topic: topicViewSchema.nullable(),
  countdowns: z.array(countdownViewSchema),
});
export type RoomTools = z.infer<typeof roomToolsSchema>;
