import type { TopicDetail } from '../../../contracts/interact.contract.js';
import type { RoomTools, TopicView } from '../../../contracts/room-tools.contract.js';
import type { Ctx } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import type { CommentSeen } from '../room/room.service.js';
import { canonicalTag, carriesTag } from './core/topic-tag.js';
import type { InteractDeps, RoomTool } from './interact.deps.js';
import { TopicsStore, type PendingTopicComment, type TopicRow } from './topics.store.js';

/** Latest comments shown with each topic in the console. */
export const TOPIC_RECENT_COMMENTS = 20;
/**
 * How often the pinned topics are re-read: a topic pinned through another node reaches this
 * node's comment matcher within this time (this node's own pins apply at once).
 */
export const PINNED_REFRESH_MS = 2_000;

interface Pinned {
  id: string;
  sessionId: string;
  /** Folded, without '#'. */
  tag: string;
  pinnedAt: string;
}

export const topicView = (r: TopicRow): TopicView => ({ id: r.id, tag: r.tag, title: r.title, comments: Number(r.comments), participants: Number(r.participants) });

/**
 * Topics (话题, issue 6 item 7). The operator pins a topic with a hashtag (one pinned topic per
 * session: pinning another unpins it); every comment shown to the room that carries the tag
 * (core/topic-tag.ts) is grouped under the topic, with its counts of comments and participants.
 *
 * `onComment` runs for every shown comment, so it only consults the in-memory pinned topic of
 * the session and queues a match; each tick writes the queue (one transaction per topic, the
 * message id as key so nothing counts twice) and publishes `topic.stats` with the totals as
 * stored (the hub keeps the highest it has seen, so nodes and snapshots agree). Counts live in the database: a restart loses at most the queue
 * of the tick in progress, and stop() writes it.
 *
 * Participants are keyed `viewer:<id>` or `team:<id>`. Guests have no stable id (and the chat
 * refuses them today): a guest comment would count as a comment but not as a participant.
 */
export class TopicsService implements RoomTool {
  private readonly store: TopicsStore;
  private pinned = new Map<string, Pinned>();
  private pending = new Map<string, { sessionId: string; comments: PendingTopicComment[] }>();
  private refreshedAt = 0;
  /** Pins and unpins made on this node; a refresh that overlapped one is not applied. */
  private localChanges = 0;

  constructor(private readonly d: InteractDeps) {
    this.store = new TopicsStore(d.db);
  }

  async snapshotInto(sessionId: string, tools: RoomTools): Promise<void> {
    const row = await this.store.pinnedOf(sessionId);
    tools.topic = row ? topicView(row) : null;
  }

  async tick(now: number): Promise<void> {
    if (now - this.refreshedAt >= PINNED_REFRESH_MS) await this.refresh(now);
    await this.flush();
  }

  async start(): Promise<void> {
    await this.refresh(this.d.clock.now().getTime());
  }

  async stop(): Promise<void> {
    await this.flush();
  }

  onComment(c: CommentSeen): void {
    const topic = this.pinned.get(c.sessionId);
    if (!topic || !carriesTag(c.text, topic.tag)) return;
    const senderKey = c.senderKind === 'guest' || c.senderId === '' ? null : `${c.senderKind}:${c.senderId}`;
    let q = this.pending.get(topic.id);
    if (!q) this.pending.set(topic.id, (q = { sessionId: c.sessionId, comments: [] }));
    q.comments.push({ topicId: topic.id, messageId: c.messageId, senderKey, senderName: c.senderName, text: c.text, at: new Date(c.at).toISOString() });
  }

  async listDetails(sessionId: string): Promise<TopicDetail[]> {
    const rows = await this.store.listOfSession(sessionId);
    return Promise.all(rows.map((r) => this.detail(r)));
  }

  async pin(ctx: Ctx, sessionId: string, body: { tag: string; title: string }): Promise<TopicDetail> {
    requirePermission(ctx.actor, 'interact:run');
    const session = await this.d.sessions.getInternal(sessionId);
    if (session.status === 'ended' || session.status === 'archived') throw new AppError('conflict', 'This session has ended; topics can no longer be pinned', { code: 'SESSION_ENDED' });
    const at = this.d.clock.now().toISOString();
    const row: TopicRow = {
      id: this.d.ids(),
      session_id: sessionId,
      tag: body.tag.replace(/^#/, ''),
      title: body.title,
      status: 'pinned',
      comments: 0,
      participants: 0,
      pinned_at: at,
      unpinned_at: null,
      created_by: ctx.actor.kind === 'team' ? ctx.actor.id : null,
      created_at: at,
    };
    await this.d.db.transaction().execute(async (trx) => {
      const previous = await this.store.unpinAll(trx, sessionId, at);
      await this.store.insert(trx, row);
      await this.d.audit.record(ctx, { action: 'topic.pinned', targetType: 'topic', targetId: row.id, after: { tag: row.tag, title: row.title, unpinned: previous } }, trx);
    });
    this.localChanges++;
    this.pinned.set(sessionId, { id: row.id, sessionId, tag: canonicalTag(row.tag), pinnedAt: at });
    await this.d.publish(sessionId, { t: 'topic', topic: topicView(row) });
    return this.detail(row);
  }

  async unpin(ctx: Ctx, sessionId: string, topicId: string): Promise<TopicDetail> {
    requirePermission(ctx.actor, 'interact:run');
    await this.d.sessions.getInternal(sessionId);
    const row = await this.store.find(topicId);
    if (!row || row.session_id !== sessionId) throw notFound('Topic');
    if (row.status === 'unpinned') return this.detail(row);
    const at = this.d.clock.now().toISOString();
    const changed = await this.d.db.transaction().execute(async (trx) => {
      if (!(await this.store.unpin(trx, topicId, at))) return false;
      await this.d.audit.record(ctx, { action: 'topic.unpinned', targetType: 'topic', targetId: topicId, before: { status: 'pinned' }, after: { status: 'unpinned' } }, trx);
      return true;
    });
    this.localChanges++;
    if (this.pinned.get(sessionId)?.id === topicId) this.pinned.delete(sessionId);
    if (changed) await this.d.publish(sessionId, { t: 'topic', topic: null });
    // Comments queued while it was pinned still belong to it.
    await this.flush();
    return this.detail((await this.store.find(topicId))!);
  }

  private async detail(r: TopicRow): Promise<TopicDetail> {
    const recent = await this.store.recentComments(r.id, TOPIC_RECENT_COMMENTS);
    return {
      ...topicView(r),
      status: r.status,
      pinnedAt: r.pinned_at,
      unpinnedAt: r.unpinned_at,
      recent: recent.map((c) => ({ name: c.sender_name, text: c.text, at: c.at })),
    };
  }

  /** Re-reads the pinned topics (another node may have pinned or unpinned). */
  private async refresh(now: number): Promise<void> {
    const seen = this.localChanges;
    const next = new Map<string, Pinned>();
    for (const r of await this.store.allPinned()) {
      const prev = next.get(r.session_id);
      // Two nodes pinning at once could leave two pinned: the latest wins, as in the room.
      if (!prev || (r.pinned_at ?? '') > prev.pinnedAt) next.set(r.session_id, { id: r.id, sessionId: r.session_id, tag: canonicalTag(r.tag), pinnedAt: r.pinned_at ?? '' });
    }
    if (seen !== this.localChanges) return;
    this.pinned = next;
    this.refreshedAt = now;
  }

  /** Writes the queued comments and publishes what they added. */
  private async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    for (const [topicId, { sessionId, comments }] of batch) {
      let added: { dc: number; dp: number; comments: number; participants: number };
      try {
        added = await this.store.record(topicId, comments);
      } catch (err) {
        // Put them back: the next tick tries again (the message id keeps a retry from counting twice).
        const q = this.pending.get(topicId);
        if (q) q.comments.unshift(...comments);
        else this.pending.set(topicId, { sessionId, comments });
        this.d.onError(err, 'topics flush');
        continue;
      }
      // With the totals as stored: a room snapshot loaded meanwhile already counts these comments.
      if (added.dc > 0 || added.dp > 0) await this.d.publish(sessionId, { t: 'topic.stats', id: topicId, dc: added.dc, dp: added.dp, comments: added.comments, participants: added.participants });
    }
  }
}
