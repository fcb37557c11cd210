import { z } from 'zod';

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
