import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/db.types.js';
import type { TopicCommentsTable, TopicsTable } from '../../platform/db/tables/interact.tables.js';

export type TopicRow = TopicsTable;
export type TopicCommentRow = TopicCommentsTable;

/** A comment carrying a topic's tag, waiting to be written; `senderKey` null: not a participant (guests). */
export interface PendingTopicComment {
  topicId: string;
  messageId: string;
  senderKey: string | null;
  senderName: string;
  text: string;
  at: string;
}

/** Owns topics, topic_comments and topic_participants. */
export class TopicsStore {
  constructor(private readonly db: Kysely<DB>) {}

  find(id: string, exec: Kysely<DB> = this.db): Promise<TopicRow | undefined> {
    return exec.selectFrom('topics').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Every pinned topic (one per session at most): the cache behind `onComment`. */
  allPinned(): Promise<TopicRow[]> {
    return this.db.selectFrom('topics').selectAll().where('status', '=', 'pinned').execute();
  }

  pinnedOf(sessionId: string): Promise<TopicRow | undefined> {
    return this.db.selectFrom('topics').selectAll().where('session_id', '=', sessionId).where('status', '=', 'pinned').executeTakeFirst();
  }

  listOfSession(sessionId: string): Promise<TopicRow[]> {
    return this.db.selectFrom('topics').selectAll().where('session_id', '=', sessionId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  }

  async recentComments(topicId: string, limit: number): Promise<TopicCommentRow[]> {
    return this.db.selectFrom('topic_comments').selectAll().where('topic_id', '=', topicId).orderBy('at', 'desc').orderBy('message_id', 'desc').limit(limit).execute();
  }

  async insert(exec: Kysely<DB>, row: TopicRow): Promise<void> {
    await exec.insertInto('topics').values(row).execute();
  }

  /** Unpins the session's pinned topics; their ids. */
  async unpinAll(exec: Kysely<DB>, sessionId: string, at: string): Promise<string[]> {
    const rows = await exec.selectFrom('topics').select('id').where('session_id', '=', sessionId).where('status', '=', 'pinned').execute();
    if (rows.length === 0) return [];
    await exec.updateTable('topics').set({ status: 'unpinned', unpinned_at: at }).where('session_id', '=', sessionId).where('status', '=', 'pinned').execute();
    return rows.map((r) => r.id);
  }

  async unpin(exec: Kysely<DB>, id: string, at: string): Promise<boolean> {
    const r = await exec.updateTable('topics').set({ status: 'unpinned', unpinned_at: at }).where('id', '=', id).where('status', '=', 'pinned').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /**
   * Records comments of one topic. A comment counts once (its message id is the key: a replayed
   * comment changes nothing) and a sender becomes a participant once; the counters move in the
   * same transaction as the rows. Returns what was added.
   */
  /** Writes the comments (each once); returns what they added and the totals as stored now. */
  async record(topicId: string, comments: readonly PendingTopicComment[]): Promise<{ dc: number; dp: number; comments: number; participants: number }> {
    return this.db.transaction().execute(async (trx) => {
      let dc = 0;
      let dp = 0;
      for (const c of comments) {
        const ins = await trx
          .insertInto('topic_comments')
          .values({ topic_id: topicId, message_id: c.messageId, sender_key: c.senderKey ?? `guest:${c.messageId}`, sender_name: c.senderName, text: c.text, at: c.at })
          .onConflict((oc) => oc.columns(['topic_id', 'message_id']).doNothing())
          .executeTakeFirst();
        if (Number(ins.numInsertedOrUpdatedRows ?? 0) === 0) continue;
        dc++;
        if (c.senderKey === null) continue;
        const p = await trx
          .insertInto('topic_participants')
          .values({ topic_id: topicId, sender_key: c.senderKey })
          .onConflict((oc) => oc.columns(['topic_id', 'sender_key']).doNothing())
          .executeTakeFirst();
        if (Number(p.numInsertedOrUpdatedRows ?? 0) === 1) dp++;
      }
      if (dc > 0) {
        await trx
          .updateTable('topics')
          .set((eb) => ({ comments: eb('comments', '+', dc), participants: eb('participants', '+', dp) }))
          .where('id', '=', topicId)
          .execute();
      }
      const row = await trx.selectFrom('topics').select(['comments', 'participants']).where('id', '=', topicId).executeTakeFirst();
      return { dc, dp, comments: Number(row?.comments ?? 0), participants: Number(row?.participants ?? 0) };
    });
  }
}
