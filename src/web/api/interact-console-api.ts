// The console's interactive tools (issue 6): the live-control overview and each tool's actions.
// Only types come from the contracts (no zod in the bundle).
import type { z } from 'zod';
import type {
  answerQuestionBody,
  createCountdownBody,
  CreateDrawBody,
  CreatePollBody,
  CreateQuizWithRewardBody,
  DrawDetail,
  drawWinnersReply,
  InteractOverview,
  pinTopicBody,
  PollDetail,
  QuizDetail,
  TopicDetail,
} from '../../contracts/interact.contract.js';
import type { CountdownView, QuestionView } from '../../contracts/room-tools.contract.js';
import { api } from './api-client';

export type { CountdownView, CreateDrawBody, CreatePollBody, CreateQuizWithRewardBody, DrawDetail, InteractOverview, PollDetail, QuestionView, QuizDetail, TopicDetail };
export type DrawWinners = z.infer<typeof drawWinnersReply>;
export type DrawWinnerRow = DrawWinners['items'][number];
export type PinTopicInput = z.input<typeof pinTopicBody>;
export type CreateCountdownInput = z.input<typeof createCountdownBody>;
export type AnswerQuestionInput = z.input<typeof answerQuestionBody>;

const enc = encodeURIComponent;
const base = (sessionId: string) => `/api/console/sessions/${enc(sessionId)}/interact`;
const tool = (sessionId: string, kind: string, toolId: string, action: string) => `${base(sessionId)}/${kind}/${enc(toolId)}/${action}`;

export const interactConsoleApi = {
  /** Every tool of the session with live figures, and the server's clock (ms). */
  overview: (sessionId: string, signal?: AbortSignal) => api.get<InteractOverview>(base(sessionId), { signal }),

  createPoll: (sessionId: string, body: CreatePollBody) => api.post<PollDetail>(`${base(sessionId)}/polls`, body),
  pollAction: (sessionId: string, pollId: string, action: 'open' | 'close') => api.post<PollDetail>(tool(sessionId, 'polls', pollId, action), {}),
  deletePoll: (sessionId: string, pollId: string) => api.delete<unknown>(`${base(sessionId)}/polls/${enc(pollId)}`),

  createDraw: (sessionId: string, body: CreateDrawBody) => api.post<DrawDetail>(`${base(sessionId)}/draws`, body),
  drawAction: (sessionId: string, drawId: string, action: 'open' | 'close' | 'run' | 'cancel') => api.post<DrawDetail>(tool(sessionId, 'draws', drawId, action), {}),
  drawWinners: (sessionId: string, drawId: string, signal?: AbortSignal) => api.get<DrawWinners>(`${base(sessionId)}/draws/${enc(drawId)}/winners`, { signal }),

  createQuiz: (sessionId: string, body: CreateQuizWithRewardBody) => api.post<QuizDetail>(`${base(sessionId)}/quizzes`, body),
  quizAction: (sessionId: string, quizId: string, action: 'ask' | 'reveal' | 'finish') => api.post<QuizDetail>(tool(sessionId, 'quizzes', quizId, action), {}),

  questionAction: (sessionId: string, questionId: string, action: 'answering' | 'release' | 'dismiss') => api.post<QuestionView>(tool(sessionId, 'questions', questionId, action), {}),
  answered: (sessionId: string, questionId: string, body: AnswerQuestionInput) => api.post<QuestionView>(tool(sessionId, 'questions', questionId, 'answered'), body),

  pinTopic: (sessionId: string, body: PinTopicInput) => api.post<TopicDetail>(`${base(sessionId)}/topics`, body),
  unpinTopic: (sessionId: string, topicId: string) => api.post<TopicDetail>(tool(sessionId, 'topics', topicId, 'unpin'), {}),

  createCountdown: (sessionId: string, body: CreateCountdownInput) => api.post<CountdownView>(`${base(sessionId)}/countdowns`, body),
  cancelCountdown: (sessionId: string, countdownId: string) => api.post<CountdownView>(tool(sessionId, 'countdowns', countdownId, 'cancel'), {}),
};
