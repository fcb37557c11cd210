import type { Kysely } from 'kysely';
import { SURVEY_OPEN_DAYS, type SurveyBody, type SurveyState } from '../../../contracts/analytics.contract.js';
import type { TrafficKind } from '../../../contracts/analytics-events.contract.js';
import type { Clock } from '../../platform/clock.js';
import type { Actor, Ctx } from '../../platform/context.js';
import type { DB } from '../../platform/db/db.types.js';
import { AppError } from '../../platform/errors.js';
import type { AnalyticsSink } from './analytics.sink.js';

export interface SurveyDeps {
  db: Kysely<DB>;
  clock: Clock;
  sink: AnalyticsSink;
  /** When the live ended (ms), null while not ended; throws not found for drafts and unknown sessions. */
  endedAt: (sessionId: string) => Promise<number | null>;
  /** The traffic label of a viewer (simulated accounts). */
  trafficOf: (actor: Actor) => Promise<TrafficKind>;
}

const DAY_MS = 86_400_000;

function principalOf(actor: Actor): string {
  if (actor.kind === 'viewer') return `viewer:${actor.id}`;
  if (actor.kind === 'guest') return `guest:${actor.guestId}`;
  throw new AppError('unauthenticated', 'Sign in or get a guest token to answer the survey', { code: 'UNAUTHENTICATED' });
}

/**
 * The post-live survey (handbook 7.1.1 (4), 7.2 (4)): when the live ends, viewers are asked how
 * satisfied they were (CSAT 1-5) and how likely they are to recommend the brand's lives (NPS 0-10).
 * One answer per viewer (or guest) and session, first one kept: the primary key refuses a second,
 * so a retried request changes nothing and the `survey_answer` event id is stable.
 */
export class SurveyService {
  constructor(private readonly d: SurveyDeps) {}

  async state(actor: Actor, sessionId: string): Promise<SurveyState> {
    const key = principalOf(actor);
    const ended = await this.d.endedAt(sessionId);
    if (ended === null) return { open: false, answered: false, reason: 'not_ended' };
    const row = await this.d.db.selectFrom('survey_responses').select('viewer_key').where('session_id', '=', sessionId).where('viewer_key', '=', key).executeTakeFirst();
    if (row) return { open: false, answered: true, reason: 'answered' };
    if (this.d.clock.now().getTime() - ended > SURVEY_OPEN_DAYS * DAY_MS) return { open: false, answered: false, reason: 'closed' };
    return { open: true, answered: false, reason: 'open' };
  }

  async answer(ctx: Ctx, sessionId: string, body: SurveyBody): Promise<SurveyState> {
    const key = principalOf(ctx.actor);
    const st = await this.state(ctx.actor, sessionId);
    if (st.reason === 'not_ended') throw new AppError('conflict', 'The survey opens when the live ends', { code: 'SURVEY_NOT_OPEN' });
    if (st.reason === 'closed') throw new AppError('conflict', `The survey closes ${SURVEY_OPEN_DAYS} days after the live`, { code: 'SURVEY_CLOSED' });
    if (st.reason === 'answered') throw new AppError('conflict', 'You have already answered this survey', { code: 'ALREADY_ANSWERED' });
    const now = this.d.clock.now();
    const traffic = await this.d.trafficOf(ctx.actor);
    const inserted = await this.d.db
      .insertInto('survey_responses')
      .values({ session_id: sessionId, viewer_key: key, csat: body.csat ?? null, nps: body.nps ?? null, comment: body.comment ? body.comment : null, traffic, at: now.toISOString() })
      .onConflict((oc) => oc.columns(['session_id', 'viewer_key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) throw new AppError('conflict', 'You have already answered this survey', { code: 'ALREADY_ANSWERED' });
    this.d.sink.record({
      id: `survey:${sessionId}:${key}`,
      type: 'survey_answer',
      sessionId,
      viewerKey: key,
      at: now.getTime(),
      streamMs: null,
      source: null,
      traffic,
      ...(body.csat !== undefined ? { csat: body.csat } : {}),
      ...(body.nps !== undefined ? { nps: body.nps } : {}),
    });
    return { open: false, answered: true, reason: 'answered' };
  }

  /** The latest comments for the report (text shown inert by the console). */
  async comments(sessionId: string, traffic: TrafficKind, limit = 20): Promise<{ csat: number | null; nps: number | null; comment: string; at: string }[]> {
    const rows = await this.d.db
      .selectFrom('survey_responses')
      .select(['csat', 'nps', 'comment', 'at'])
      .where('session_id', '=', sessionId)
      .where('traffic', '=', traffic)
      .where('comment', 'is not', null)
      .orderBy('at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ csat: r.csat, nps: r.nps, comment: r.comment ?? '', at: r.at }));
  }
}
