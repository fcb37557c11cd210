import { mkdirSync } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { RecordingDto, RecordingsReply, ReplayDto } from '../../../contracts/replay.contract.js';
import { signPlayToken, verifyPlayToken } from '../../platform/auth/tokens.js';
import type { Clock } from '../../platform/clock.js';
import { systemCtx, type Ctx } from '../../platform/context.js';
import type { DB } from '../../platform/db/db.types.js';
import type { RecordingsTable } from '../../platform/db/tables/recordings.tables.js';
import { AppError, notFound } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import type { IdGenerator } from '../../platform/ids/id-generator.js';
import type { AuditService } from '../audit/audit.service.js';
import type { ShelfService } from '../catalog/shelf.service.js';
import type { RoomService } from '../room/room.service.js';
import type { SessionsService } from '../sessions/sessions.service.js';
import type { ViewerSink } from './core/flv-relay.js';
import { buildReplayTimeline } from './core/replay-timeline.js';
import { FfmpegProcess, type FfmpegAvailability, type FfmpegLog } from './ffmpeg/ffmpeg-process.js';
import { probeDurationMs, remuxFaststart } from './ffmpeg/ffmpeg-remux.js';
import type { PublishInfo, PublishListener } from './video.service.js';

/** Play links of private sessions' recordings last this long (the replay page asks again on load). */
const PLAY_TOKEN_TTL_MS = 6 * 3600_000;
/** At most this many chat messages are replayed (the newest are dropped beyond it). */
const MAX_REPLAY_MESSAGES = 20_000;
const FILE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface RecordingDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  sessions: SessionsService;
  /** Chat of the session (visible messages) and its bans, read through the room's service. */
  room: Pick<RoomService, 'listMessages' | 'listSanctions'>;
  /** What was pinned when ("now explaining") and the shelf's products, through the shelf's service. */
  shelf: Pick<ShelfService, 'explanations' | 'liveShelf'>;
  ffmpeg: FfmpegAvailability;
  mediaDir: string;
  /** Attaches the recorder to the stream like a viewer (`VideoService.watch`). */
  watch: (sessionId: string, sink: ViewerSink) => () => void;
  signingSecret: string;
  log?: FfmpegLog;
  onError?: (err: unknown, where: string) => void;
}

interface Active {
  rowId: string;
  sessionId: string;
  publishId: string;
  proc: FfmpegProcess;
  unwatch: () => void;
  done: Promise<void>;
}

/**
 * Records every publish (when ffmpeg is there): an ffmpeg attached to the relay like a viewer
 * copies the stream into a fragmented MP4 (`<publish>.part.mp4`, readable up to its last fragment
 * even if the server dies), and when the publish ends the file is rewritten once as a plain MP4
 * with its index first (`<publish>.mp4`), measured and marked ready. A restart finishes what the
 * last run left mid-recording. After the live, the audience's replay plays the session's ready
 * recordings one after the other with the chat, pins and chapters on their timeline.
 */
export class RecordingService implements PublishListener {
  private readonly active = new Map<string, Active>();
  private readonly finishing = new Set<Promise<void>>();

  constructor(private readonly d: RecordingDeps) {}

  get enabled(): boolean {
    return this.d.ffmpeg.ok;
  }
  get root(): string {
    return join(this.d.mediaDir, 'recordings');
  }
  private dirOf(sessionId: string): string {
    return join(this.root, sessionId);
  }
  private now(): number {
    return this.d.clock.now().getTime();
  }
  private err(e: unknown, where: string): void {
    this.d.onError?.(e, where);
  }

  // ---------- recording (publish listener) ----------

  started(p: PublishInfo): void {
    if (!this.d.ffmpeg.ok || !FILE_ID.test(p.sessionId) || !FILE_ID.test(p.publishId)) return;
    const dir = this.dirOf(p.sessionId);
    mkdirSync(dir, { recursive: true });
    const part = `${p.publishId}.part.mp4`;
    // Video and audio only: the stream clock's script tags (onOnairClock) come out as a data
    // stream MP4 cannot hold. Fragmented: every keyframe closes a fragment, so a crash loses at most the last GOP.
    const proc = new FfmpegProcess({ bin: this.d.ffmpeg.bin, name: 'record', cwd: dir, log: this.d.log, output: ['-map', '0:v', '-map', '0:a?', '-c', 'copy', '-f', 'mp4', '-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-y', part] });
    const rowId = this.d.ids();
    const inserted = this.d.db
      .insertInto('recordings')
      .values({ id: rowId, session_id: p.sessionId, publish_id: p.publishId, status: 'recording', file_name: part, bytes: 0, duration_ms: null, started_at: new Date(p.startedAt).toISOString(), ended_at: null, error: null, deleted_at: null, deleted_by: null })
      .execute()
      .then(() => undefined);
    // Replay time 0 is the recording's first frame: the moment the relay first hands it bytes
    // (its first keyframe), not the encoder's connect.
    let first = true;
    const sink: ViewerSink = {
      get buffered() {
        return proc.sink.buffered;
      },
      write: (chunk) => {
        if (first) {
          first = false;
          const at = new Date(this.now()).toISOString();
          void inserted.then(() => this.d.db.updateTable('recordings').set({ started_at: at }).where('id', '=', rowId).execute()).catch((e: unknown) => this.err(e, 'recording start'));
        }
        proc.sink.write(chunk);
      },
      close: (reason) => proc.sink.close(reason),
    };
    const a: Active = { rowId, sessionId: p.sessionId, publishId: p.publishId, proc, unwatch: () => undefined, done: Promise.resolve() };
    this.active.set(p.publishId, a);
    a.unwatch = this.d.watch(p.sessionId, sink);
    // The stream ended (the relay closed the sink) or ffmpeg failed: finish the file.
    a.done = proc.exited.then(async () => {
      a.unwatch();
      await inserted.catch(() => undefined);
      await this.track(this.finalize(rowId, p.sessionId, p.publishId));
      this.active.delete(p.publishId);
    });
  }

  /** The encoder is gone: stop recording now rather than when the grace period ends the stream. */
  ended(p: PublishInfo): void {
    const a = this.active.get(p.publishId);
    if (!a) return;
    a.unwatch();
    void a.proc.stop();
  }

  private track(p: Promise<void>): Promise<void> {
    this.finishing.add(p);
    return p.finally(() => this.finishing.delete(p));
  }

  /** `<publish>.part.mp4` -> `<publish>.mp4` (faststart), measured; or failed with the reason. */
  private async finalize(rowId: string, sessionId: string, publishId: string): Promise<void> {
    const dir = this.dirOf(sessionId);
    const part = join(dir, `${publishId}.part.mp4`);
    const final = join(dir, `${publishId}.mp4`);
    const endedAt = new Date(this.now()).toISOString();
    const set = (v: Partial<RecordingsTable>) => this.d.db.updateTable('recordings').set(v).where('id', '=', rowId).where('status', 'in', ['recording', 'processing']).execute();
    try {
      await set({ status: 'processing', ended_at: endedAt });
      const partSize = (await stat(part).catch(() => null))?.size ?? 0;
      if (partSize === 0) {
        const done = await stat(final).catch(() => null);
        if (!done) {
          await unlink(part).catch(() => undefined);
          await set({ status: 'failed', bytes: 0, error: 'nothing was recorded (no keyframe reached the recorder)' });
          return;
        }
      } else {
        const tmp = join(dir, `${publishId}.tmp.mp4`);
        await remuxFaststart(this.d.ffmpeg.ok ? this.d.ffmpeg.bin : 'ffmpeg', part, tmp);
        await rename(tmp, final);
        await unlink(part).catch(() => undefined);
      }
      const bytes = (await stat(final)).size;
      const durationMs = await probeDurationMs(this.d.ffmpeg.ok ? this.d.ffmpeg.bin : 'ffmpeg', final);
      await set({ status: 'ready', file_name: `${publishId}.mp4`, bytes, duration_ms: durationMs ?? 0, error: null });
    } catch (e) {
      this.err(e, 'recording finalize');
      await set({ status: 'failed', bytes: (await stat(part).catch(() => null))?.size ?? 0, error: `could not finish the recording: ${(e as Error).message}`.slice(0, 1000) }).catch(() => undefined);
    }
  }

  /**
   * At start: recordings the last run left unfinished (it stopped or crashed mid-recording) are
   * finished from their fragmented file, which is readable up to its last complete fragment.
   * One process owns the media folder, so nothing else is recording these.
   */
  async recover(): Promise<void> {
    const rows = await this.d.db.selectFrom('recordings').selectAll().where('status', 'in', ['recording', 'processing']).execute();
    for (const r of rows) {
      if (this.active.has(r.publish_id)) continue;
      if (!this.d.ffmpeg.ok) {
        await this.d.db.updateTable('recordings').set({ status: 'failed', ended_at: r.ended_at ?? new Date(this.now()).toISOString(), error: 'the server restarted during the recording and ffmpeg is not available to finish it' }).where('id', '=', r.id).execute();
        continue;
      }
      await this.track(this.finalize(r.id, r.session_id, r.publish_id));
    }
  }

  /** Shutting down: recorders were told to stop (the publishes ended); wait for their files, at most `timeoutMs`. */
  async stopAll(timeoutMs = 15_000): Promise<void> {
    for (const a of this.active.values()) void a.proc.stop(2000);
    const all = Promise.all([...this.active.values()].map((a) => a.done));
    await Promise.race([all.then(() => Promise.all([...this.finishing])), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  // ---------- console ----------

  async list(ctx: Ctx, sessionId: string): Promise<RecordingsReply> {
    requirePermission(ctx.actor, 'sessions:read');
    const s = await this.d.sessions.getInternal(sessionId);
    const rows = await this.d.db.selectFrom('recordings').selectAll().where('session_id', '=', sessionId).orderBy('started_at').orderBy('id').execute();
    const items: RecordingDto[] = [];
    for (const r of rows) {
      // A recording in progress: its size is what is on disk so far.
      const bytes = r.status === 'recording' ? ((await stat(join(this.dirOf(sessionId), r.file_name)).catch(() => null))?.size ?? 0) : Number(r.bytes);
      items.push({ ...this.toDto(r, s.visibility === 'private'), bytes });
    }
    const total = await this.d.db.selectFrom('recordings').select((eb) => eb.fn.sum<string | number>('bytes').as('b')).where('status', '!=', 'deleted').executeTakeFirst();
    return {
      items,
      sessionBytes: items.filter((i) => i.status !== 'deleted').reduce((n, i) => n + i.bytes, 0),
      totalBytes: Number(total?.b ?? 0),
      recordingEnabled: this.enabled,
    };
  }

  private toDto(r: RecordingsTable, isPrivate: boolean): RecordingDto {
    return {
      id: r.id,
      publishId: r.publish_id,
      status: r.status,
      bytes: Number(r.bytes),
      durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
      startedAt: r.started_at,
      endedAt: r.ended_at,
      error: r.error,
      playUrl: r.status === 'ready' ? this.playUrl(r.session_id, r.id, isPrivate) : null,
    };
  }

  private playUrl(sessionId: string, recordingId: string, isPrivate: boolean): string {
    const token = isPrivate ? `?t=${encodeURIComponent(signPlayToken(this.d.signingSecret, sessionId, this.now() + PLAY_TOKEN_TTL_MS))}` : '';
    return `/api/live/${sessionId}/recordings/${recordingId}.mp4${token}`;
  }

  /** Owner/admin: the file goes, the row stays as `deleted` (who and when), audited. */
  async remove(ctx: Ctx, sessionId: string, recordingId: string): Promise<void> {
    requirePermission(ctx.actor, 'recordings:delete');
    await this.d.sessions.getInternal(sessionId);
    const r = await this.d.db.selectFrom('recordings').selectAll().where('id', '=', recordingId).where('session_id', '=', sessionId).executeTakeFirst();
    if (!r) throw notFound('Recording');
    if (r.status === 'deleted') return;
    if (r.status === 'recording' || r.status === 'processing') throw new AppError('conflict', 'This recording is still being made; delete it once it is finished', { code: 'RECORDING_IN_PROGRESS' });
    const dir = this.dirOf(sessionId);
    for (const f of [r.file_name, `${r.publish_id}.mp4`, `${r.publish_id}.part.mp4`]) await unlink(join(dir, f)).catch(() => undefined);
    const who = ctx.actor.kind === 'team' ? ctx.actor.id : null;
    await this.d.db.transaction().execute(async (trx) => {
      await trx.updateTable('recordings').set({ status: 'deleted', bytes: 0, deleted_at: new Date(this.now()).toISOString(), deleted_by: who }).where('id', '=', recordingId).execute();
      await this.d.audit.record(ctx, { action: 'recording.deleted', targetType: 'recording', targetId: recordingId, before: { sessionId, status: r.status, bytes: Number(r.bytes), durationMs: r.duration_ms }, after: { status: 'deleted' } }, trx);
    });
  }

  // ---------- audience ----------

  /** The replay of an ended session the caller may see: its ready recordings, chat, pins and chapters. */
  async replay(sessionId: string, invite?: string): Promise<ReplayDto> {
    const pub = await this.d.sessions.getPublic(sessionId, invite);
    if (pub.status !== 'ended' && pub.status !== 'archived') throw new AppError('conflict', 'The replay is available once the session has ended', { code: 'REPLAY_NOT_YET' });
    const internal = await this.d.sessions.getInternal(sessionId);
    const rows = await this.d.db.selectFrom('recordings').selectAll().where('session_id', '=', sessionId).where('status', '=', 'ready').orderBy('started_at').execute();
    if (rows.length === 0) throw new AppError('not_found', 'This session has no recording to replay', { code: 'NO_RECORDING' });
    const ctx = systemCtx('replay');
    const [messages, sanctions, explanations, shelf] = await Promise.all([this.visibleChat(ctx, sessionId), this.d.room.listSanctions(ctx, sessionId), this.d.shelf.explanations(ctx, sessionId), this.d.shelf.liveShelf(sessionId, invite)]);
    // Messages of viewers banned from this room (or the brand) are not replayed.
    const banned = new Set(sanctions.filter((s) => s.kind === 'ban').map((s) => s.principal));
    const timeline = buildReplayTimeline({
      recordings: rows.map((r) => ({ id: r.id, startedAt: Date.parse(r.started_at), durationMs: Number(r.duration_ms ?? 0) })),
      messages: messages.filter((m) => !banned.has(`${m.senderKind}:${m.senderId}`)).map((m) => ({ id: m.id, at: Date.parse(m.createdAt), senderName: m.senderName, role: m.role, text: m.text })),
      pins: explanations.items.map((e) => ({ productId: e.productId, title: e.title, startedAt: Date.parse(e.startedAt), endedAt: e.endedAt ? Date.parse(e.endedAt) : null })),
    });
    const onShelf = new Map(shelf.products.map((p) => [p.productId, p]));
    const pinnedIds = [...new Set(timeline.chapters.map((c) => c.productId))];
    const isPrivate = internal.visibility === 'private';
    return {
      sessionId,
      title: pub.title,
      durationMs: timeline.durationMs,
      segments: timeline.segments.map((s) => ({ ...s, url: this.playUrl(sessionId, s.recordingId, isPrivate) })),
      messages: timeline.messages,
      pins: timeline.pins,
      chapters: timeline.chapters,
      products: pinnedIds.map((id) => {
        const p = onShelf.get(id);
        const sku = p?.skus[0];
        return { productId: id, title: p?.title ?? timeline.chapters.find((c) => c.productId === id)!.title, image: p?.image ?? null, priceFen: sku?.priceFen ?? null, currency: sku?.currency ?? null };
      }),
    };
  }

  private async visibleChat(ctx: Ctx, sessionId: string) {
    const out: Awaited<ReturnType<RoomService['listMessages']>> = [];
    let before: string | undefined;
    for (;;) {
      const page = await this.d.room.listMessages(ctx, sessionId, { status: 'visible', limit: 500, before });
      out.push(...page);
      if (page.length < 500 || out.length >= MAX_REPLAY_MESSAGES) break;
      before = page.at(-1)!.id;
    }
    return out;
  }

  /** A ready recording's file, for a request that may play the session (public, or the signed link of a private one). */
  async file(sessionId: string, recordingId: string, token: string | undefined): Promise<{ path: string; size: number; isPrivate: boolean }> {
    const s = await this.d.sessions.getInternal(sessionId).catch(() => null);
    if (!s || s.status === 'draft') throw notFound('Session');
    const isPrivate = s.visibility === 'private';
    if (isPrivate && !(token && verifyPlayToken(this.d.signingSecret, token, sessionId, this.now()))) {
      throw new AppError('forbidden', 'This play link has expired or is not for this session; reload the page', { code: 'PLAY_TOKEN_INVALID' });
    }
    const r = await this.d.db.selectFrom('recordings').selectAll().where('id', '=', recordingId).where('session_id', '=', sessionId).executeTakeFirst();
    if (!r || r.status !== 'ready') throw notFound('Recording');
    const path = join(this.dirOf(sessionId), r.file_name);
    const st = await stat(path).catch(() => null);
    if (!st) throw notFound('Recording');
    return { path, size: st.size, isPrivate };
  }
}
