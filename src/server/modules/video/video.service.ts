import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { StreamEvent, StreamState } from '../../../contracts/realtime.contract.js';
import { safeEqual, sha256Hex, signPlayToken, verifyPlayToken } from '../../platform/auth/tokens.js';
import type { Clock } from '../../platform/clock.js';
import { systemCtx, type Ctx } from '../../platform/context.js';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import type { DB } from '../../platform/db/db.types.js';
import type { PublishEndReason } from '../../platform/db/tables/video.tables.js';
import { AppError, notFound } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import type { IdGenerator } from '../../platform/ids/id-generator.js';
import type { AuditService } from '../audit/audit.service.js';
import type { SessionsService } from '../sessions/sessions.service.js';
import { FlvRelay, type ViewerSink } from './core/flv-relay.js';
import { hlsPlaylistUrl } from './core/hls-names.js';
import { HealthMeter, type StreamHealth } from './core/stream-health.js';
import { FFMPEG_FEATURES, FFMPEG_INSTALL_HINT, type FfmpegAvailability } from './ffmpeg/ffmpeg-process.js';
import { clockTag, tagOf, tagTimestamp, type StreamMetadata } from './flv-tags.js';
import type { PublishDecision, PublishHandle, PublishRequest } from './rtmp-ingest.js';

/** The RTMP application in the ingest URL: rtmp://host:port/live + the session's key. */
export const INGEST_APP = 'live';
/** Play tokens of private sessions live this long; the room asks for a fresh one when it (re)starts the player. */
const PLAY_TOKEN_TTL_MS = 6 * 3600_000;
/** The team's play token (test-stream preview) is signed for this subject, so an audience token never passes for it. */
const teamPlaySubject = (sessionId: string): string => `team-${sessionId}`;
const TEAM_PLAY_TOKEN_TTL_MS = 2 * 3600_000;
/** How often a publishing stream's health is kept (stream_health). */
const HEALTH_SAMPLE_MS = 10_000;

export interface VideoDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  sessions: SessionsService;
  /** Seals stream keys at rest (the data key). */
  box: SecretBox;
  signingSecret: string;
  /** The ingest URL OBS is given as "Server" (e.g. rtmp://live.example.com:1935/live); read when asked. */
  ingestServer: () => string;
  /** After the encoder disconnects, how long the session stays "reconnecting" before it ends (ms). */
  graceMs: number;
  /** The system ffmpeg (HLS, recording, restream need it), probed at start. */
  ffmpeg: FfmpegAvailability;
  /** Folder for live HLS and recordings (ONAIR_MEDIA_DIR, else <data>/media). */
  mediaDir: string;
  /** Room broadcast of the stream's state. */
  publish?: (sessionId: string, e: StreamEvent) => Promise<void>;
  onError?: (err: unknown, where: string) => void;
}

/** A publish, as the outputs (HLS, recording, restream) see it. */
export interface PublishInfo {
  sessionId: string;
  publishId: string;
  /** Wall-clock ms when the encoder was accepted. */
  startedAt: number;
}

/**
 * Told when a publish becomes public (an encoder starts publishing, or the team ends test mode
 * while it publishes: a test stream is never recorded, served as HLS or pushed elsewhere) and when
 * it stops. An output attaches to the stream with
 * `VideoService.watch` in `started` (it then gets the FLV from the first keyframe, like a viewer);
 * its sink is closed with 'ended' when the stream is over or a later publish restarts the relay.
 * `ended` comes when the encoder is gone (dropped, cut off, or the server stops).
 */
export interface PublishListener {
  started(p: PublishInfo): void;
  ended?(p: PublishInfo, reason: PublishEndReason): void;
}

/** Where the picture is now: the publish and its timestamp (ms, the encoder's clock) the ingest has reached. */
export interface StreamPosition {
  publishId: string;
  ts: number;
}

/** How far the stream clock is extrapolated past the last tag received (a stalled encoder does not run ahead). */
const MAX_EXTRAPOLATE_MS = 1000;

interface Live {
  /** Latest media timestamp received and when (performance.now()), for the stream clock. */
  lastTs: number;
  lastAt: number;
  startedAt: number;
  /** The publish listeners were told it started (it is public: not a test stream). */
  told: boolean;
  health: HealthMeter | null;
  healthTimer: NodeJS.Timeout | null;
  state: StreamState;
  since: number;
  graceEndsAt: number | null;
  publishId: string | null;
  handle: PublishHandle | null;
  grace: NodeJS.Timeout | null;
  metadata: StreamMetadata | null;
}

/**
 * Stream keys, the publish lifecycle and the relays: a session's encoder publishes with its key
 * (OBS "Server" + "Stream Key"); publishing takes a scheduled or draft session live; a dropped
 * encoder leaves it "reconnecting" for the grace period, then it ends unless the encoder comes
 * back; ending the session from the console stops the ingest. Viewers read the stream from the
 * session's FlvRelay (HTTP-FLV).
 */
export class VideoService {
  private readonly streams = new Map<string, Live>();
  private readonly relays = new Map<string, FlvRelay>();
  private readonly listeners: PublishListener[] = [];

  constructor(private readonly d: VideoDeps) {
    d.sessions.onTransition((sessionId, to) => {
      if (to === 'ended' || to === 'archived') this.stopStream(sessionId, 'session_ended');
    });
  }

  /** Outputs (HLS, recording, restream) register here; see {@link PublishListener}. */
  onPublish(listener: PublishListener): void {
    this.listeners.push(listener);
  }

  // ---------- test-stream mode (pre-flight) ----------

  /**
   * Sessions in test-stream mode (kept in stream_rehearsals by the pre-flight service, which tells
   * us here): a publish does not take them live, the audience's /stream says offline, players need
   * the team's token, and the room hears nothing of the stream.
   */
  private readonly rehearsals = new Map<string, { since: string; byName: string | null }>();

  rehearsal(sessionId: string): { since: string; byName: string | null } | null {
    return this.rehearsals.get(sessionId) ?? null;
  }

  /** Enters or leaves test mode; leaving tells the room the stream's real state (viewers join at once). */
  setRehearsal(sessionId: string, on: { since: string; byName: string | null } | null): void {
    const was = this.rehearsals.has(sessionId);
    if (on) this.rehearsals.set(sessionId, on);
    else this.rehearsals.delete(sessionId);
    if (was && !on) {
      this.announce(sessionId);
      this.goPublic(sessionId);
    }
  }

  /** The team's private play address (the test-stream preview): plays in test mode, drafts and private sessions too. */
  teamPlayUrl(sessionId: string): { flvUrl: string; expiresAt: number } {
    const expiresAt = this.now() + TEAM_PLAY_TOKEN_TTL_MS;
    return { flvUrl: `/api/live/${sessionId}/video.flv?t=${encodeURIComponent(signPlayToken(this.d.signingSecret, teamPlaySubject(sessionId), expiresAt))}`, expiresAt };
  }

  private tell(fn: (l: PublishListener) => void, where: string): void {
    for (const l of this.listeners) {
      try {
        fn(l);
      } catch (e) {
        this.err(e, where);
      }
    }
  }

  /**
   * The stream clock: the publish and the timestamp the ingest has reached now (the last media
   * tag's, plus the time since it arrived, at most 1 s more). Room events that refer to the picture
   * carry it, and each player shows them when its playback reaches that timestamp. Null when no
   * encoder is publishing.
   */
  position(sessionId: string): StreamPosition | null {
    const live = this.streams.get(sessionId);
    if (!live?.handle || !live.publishId) return null;
    const ahead = Math.min(MAX_EXTRAPOLATE_MS, Math.max(0, performance.now() - live.lastAt));
    return { publishId: live.publishId, ts: Math.round(live.lastTs + ahead) };
  }

  private now(): number {
    return this.d.clock.now().getTime();
  }
  private err(e: unknown, where: string): void {
    this.d.onError?.(e, where);
  }

  /** What this server can do with video: HTTP-FLV always; HLS, recording and restream need ffmpeg. */
  capabilities(): { flv: true; ffmpeg: FfmpegAvailability; needsFfmpeg: readonly string[]; installHint: string | null } {
    return { flv: true, ffmpeg: this.d.ffmpeg, needsFfmpeg: this.d.ffmpeg.ok ? [] : FFMPEG_FEATURES, installHint: this.d.ffmpeg.ok ? null : FFMPEG_INSTALL_HINT };
  }

  get ffmpeg(): FfmpegAvailability {
    return this.d.ffmpeg;
  }
  get mediaDir(): string {
    return this.d.mediaDir;
  }

  // ---------- stream keys (console) ----------

  /** OBS settings for the session: Server and Stream Key (made on first ask), and the stream's state. */
  async ingestSettings(ctx: Ctx, sessionId: string): Promise<{ server: string; streamKey: string; state: StreamState; since: number | null; rotatedAt: string | null; health: StreamHealth | null; capabilities: ReturnType<VideoService['capabilities']> }> {
    requirePermission(ctx.actor, 'stream:key');
    await this.d.sessions.getInternal(sessionId);
    let row = await this.d.db.selectFrom('stream_keys').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
    if (!row) {
      await this.writeKey(sessionId, false);
      row = await this.d.db.selectFrom('stream_keys').selectAll().where('session_id', '=', sessionId).executeTakeFirstOrThrow();
    }
    const live = this.streams.get(sessionId);
    return { server: this.d.ingestServer(), streamKey: this.d.box.open(sessionId, row.key_sealed), state: live?.state ?? 'offline', since: live?.since ?? null, rotatedAt: row.rotated_at, health: this.health(sessionId), capabilities: this.capabilities() };
  }

  /** A new key; the old one stops working at once, and an encoder publishing with it is cut off. */
  async rotateKey(ctx: Ctx, sessionId: string): Promise<Awaited<ReturnType<VideoService['ingestSettings']>>> {
    requirePermission(ctx.actor, 'stream:key');
    await this.d.sessions.getInternal(sessionId);
    await this.writeKey(sessionId, true);
    await this.d.audit.record(ctx, { action: 'stream.key_rotated', targetType: 'live_session', targetId: sessionId, before: null, after: null });
    this.kick(sessionId, 'key_rotated');
    return this.ingestSettings(ctx, sessionId);
  }

  private async writeKey(sessionId: string, rotated: boolean): Promise<void> {
    const key = randomBytes(24).toString('base64url');
    const at = new Date(this.now()).toISOString();
    const values = { session_id: sessionId, key_hash: sha256Hex(key), key_sealed: this.d.box.seal(sessionId, key), created_at: at, rotated_at: rotated ? at : null };
    await this.d.db
      .insertInto('stream_keys')
      .values(values)
      .onConflict((oc) => oc.column('session_id').doUpdateSet(rotated ? { key_hash: values.key_hash, key_sealed: values.key_sealed, rotated_at: at } : { session_id: sessionId }))
      .execute();
  }

  // ---------- the ingest's side ----------

  /** The ingest asks: may this encoder publish? Decided before NetStream.Publish.Start. */
  async authorizePublish(req: PublishRequest): Promise<PublishDecision> {
    if (req.app !== INGEST_APP) return { ok: false, reason: `unknown application: use the Server URL shown in the console (…/${INGEST_APP})` };
    if (!/^[A-Za-z0-9_-]{20,64}$/.test(req.key)) return { ok: false, reason: 'unknown stream key' };
    const row = await this.d.db.selectFrom('stream_keys').selectAll().where('key_hash', '=', sha256Hex(req.key)).executeTakeFirst();
    // The lookup is by hash; the key itself is then compared in constant time.
    if (!row || !safeEqual(this.d.box.open(row.session_id, row.key_sealed), req.key)) return { ok: false, reason: 'unknown stream key' };
    const sessionId = row.session_id;
    const session = await this.d.sessions.getInternal(sessionId).catch(() => null);
    if (!session || session.status === 'ended' || session.status === 'archived') return { ok: false, reason: 'this session has ended' };
    const live = this.streams.get(sessionId);
    if (live?.handle) return { ok: false, reason: 'another encoder is already publishing to this session' };
    return {
      ok: true,
      sink: (handle) => {
        this.started(sessionId, handle, req);
        const relay = this.relayOf(sessionId);
        return {
          packet: (p) => {
            const t = tagOf(p);
            if (!t) return;
            const l = this.streams.get(sessionId);
            if (t.metadata && l) {
              l.metadata = t.metadata;
              l.health?.metadata(t.metadata);
            }
            const at = performance.now();
            if (l && (t.tag.kind === 'keyframe' || t.tag.kind === 'video' || t.tag.kind === 'audio') && (t.tag.dts >= l.lastTs || l.lastAt === 0)) {
              l.lastTs = t.tag.dts;
              l.lastAt = at;
            }
            l?.health?.tag(t.tag.kind, t.tag.dts, t.tag.bytes.length, at);
            relay.push(t.tag);
          },
          ended: () => this.unpublished(sessionId, handle),
        };
      },
    };
  }

  private relayOf(sessionId: string): FlvRelay {
    let r = this.relays.get(sessionId);
    if (!r) {
      // Each viewer's media opens with the stream clock (flv-tags.ts clockTag): its first keyframe's timestamp.
      const startTag = (keyframe: Buffer): Buffer | null => {
        const publishId = this.streams.get(sessionId)?.publishId;
        return publishId ? clockTag(tagTimestamp(keyframe), publishId) : null;
      };
      this.relays.set(sessionId, (r = new FlvRelay({ startTag })));
    }
    return r;
  }

  private started(sessionId: string, handle: PublishHandle, req: PublishRequest): void {
    const prev = this.streams.get(sessionId);
    if (prev?.grace) clearTimeout(prev.grace);
    // A new publish starts its timestamps over: players still open from the last one are closed
    // (they reconnect and start on this one's first keyframe).
    if (prev?.state === 'reconnecting') this.relays.get(sessionId)?.end();
    const now = this.now();
    const publishId = this.d.ids();
    if (prev?.healthTimer) clearInterval(prev.healthTimer);
    const health = new HealthMeter();
    const healthTimer = setInterval(() => void this.sampleHealth(sessionId, publishId, health), HEALTH_SAMPLE_MS);
    healthTimer.unref();
    this.streams.set(sessionId, { state: 'live', since: prev?.state === 'reconnecting' ? prev.since : now, graceEndsAt: null, publishId, handle, grace: null, metadata: null, health, healthTimer, lastTs: 0, lastAt: 0, startedAt: now, told: false });
    void (async () => {
      await this.d.db.insertInto('stream_publishes').values({ id: publishId, session_id: sessionId, started_at: new Date(now).toISOString(), ended_at: null, end_reason: null, remote_address: req.remoteAddress, encoder: req.encoder }).execute();
      const s = await this.d.sessions.getInternal(sessionId);
      // Publishing takes the session live (from draft or scheduled); a live one just gets its picture back.
      // In test mode (pre-flight) the session stays where it is until the team goes public.
      if ((s.status === 'draft' || s.status === 'scheduled') && !this.rehearsals.has(sessionId)) await this.d.sessions.transition(systemCtx('video'), sessionId, 'live', 'the encoder started publishing');
    })().catch((e: unknown) => this.err(e, 'publish start'));
    this.announce(sessionId);
    this.goPublic(sessionId);
  }

  /**
   * The outputs (HLS, recording, restream) hear of a publish once it is public: at once, or when
   * the team ends test mode with the encoder still publishing. A test stream is never pushed to
   * other platforms, recorded or served as HLS.
   */
  private goPublic(sessionId: string): void {
    const live = this.streams.get(sessionId);
    if (!live?.handle || !live.publishId || live.told || this.rehearsals.has(sessionId)) return;
    live.told = true;
    const info: PublishInfo = { sessionId, publishId: live.publishId, startedAt: live.startedAt };
    this.tell((l) => l.started(info), 'publish listener (started)');
  }

  private ended(sessionId: string, live: Live, reason: PublishEndReason): void {
    if (!live.publishId || !live.told) return;
    const info: PublishInfo = { sessionId, publishId: live.publishId, startedAt: live.startedAt };
    this.tell((l) => l.ended?.(info, reason), 'publish listener (ended)');
  }

  private unpublished(sessionId: string, handle: PublishHandle): void {
    const live = this.streams.get(sessionId);
    if (!live || live.handle !== handle) return;
    const publishId = live.publishId;
    live.handle = null;
    this.stopHealth(live);
    if (publishId) void this.endPublish(publishId, 'unpublished');
    this.ended(sessionId, live, 'unpublished');
    if (live.state === 'offline') return;
    this.reconnecting(sessionId, live);
  }

  /** The encoder is gone: viewers see "reconnecting" until the grace period ends the session. */
  private reconnecting(sessionId: string, live: Live): void {
    live.state = 'reconnecting';
    live.graceEndsAt = this.now() + this.d.graceMs;
    if (live.grace) clearTimeout(live.grace);
    live.grace = setTimeout(() => this.graceOver(sessionId), this.d.graceMs);
    live.grace.unref();
    this.announce(sessionId);
  }

  private graceOver(sessionId: string): void {
    const live = this.streams.get(sessionId);
    if (!live || live.state !== 'reconnecting') return;
    this.stopStream(sessionId, 'unpublished');
    void (async () => {
      const s = await this.d.sessions.getInternal(sessionId);
      if (s.status === 'live') await this.d.sessions.transition(systemCtx('video'), sessionId, 'ended', 'the encoder did not come back within the grace period');
    })().catch((e: unknown) => this.err(e, 'grace end'));
  }

  private async endPublish(publishId: string, reason: PublishEndReason): Promise<void> {
    await this.d.db
      .updateTable('stream_publishes')
      .set({ ended_at: new Date(this.now()).toISOString(), end_reason: reason })
      .where('id', '=', publishId)
      .where('ended_at', 'is', null)
      .execute()
      .catch((e: unknown) => this.err(e, 'publish end'));
  }

  /** Cuts the encoder off (its socket closes); the stream then follows the usual path (reconnecting). */
  private kick(sessionId: string, reason: PublishEndReason): void {
    const live = this.streams.get(sessionId);
    if (!live?.handle) return;
    const { handle, publishId } = live;
    live.handle = null;
    this.stopHealth(live);
    if (publishId) void this.endPublish(publishId, reason);
    this.ended(sessionId, live, reason);
    handle.kick();
    if (reason === 'key_rotated') this.reconnecting(sessionId, live);
  }

  /** The stream is over: encoder cut off, viewers' players closed, state offline. */
  private stopStream(sessionId: string, reason: PublishEndReason): void {
    const live = this.streams.get(sessionId);
    if (live?.handle) this.kick(sessionId, reason);
    if (live?.grace) clearTimeout(live.grace);
    this.relays.get(sessionId)?.end();
    this.relays.delete(sessionId);
    if (live && live.state !== 'offline') {
      this.streams.set(sessionId, { state: 'offline', since: this.now(), graceEndsAt: null, publishId: null, handle: null, grace: null, metadata: null, health: null, healthTimer: null, lastTs: 0, lastAt: 0, startedAt: 0, told: false });
      this.announce(sessionId);
    }
  }

  private stopHealth(live: Live): void {
    if (live.healthTimer) clearInterval(live.healthTimer);
    live.healthTimer = null;
  }

  /** Every HEALTH_SAMPLE_MS while publishing: the meter's reading, kept for the post-live report. */
  private async sampleHealth(sessionId: string, publishId: string, meter: HealthMeter): Promise<void> {
    const h = meter.read(performance.now());
    await this.d.db
      .insertInto('stream_health')
      .values({
        id: this.d.ids(),
        session_id: sessionId,
        publish_id: publishId,
        at: new Date(this.now()).toISOString(),
        width: h.width,
        height: h.height,
        fps: h.fps,
        video_bps: h.videoBitrate,
        audio_bps: h.audioBitrate,
        keyframe_interval_s: h.keyframeInterval,
        late_frames: h.lateFrames,
        warnings_json: JSON.stringify(h.warnings),
      })
      .execute()
      .catch((e: unknown) => this.err(e, 'health sample'));
  }

  /** The live health of the session's publish (null when nobody publishes). */
  health(sessionId: string): StreamHealth | null {
    const live = this.streams.get(sessionId);
    return live?.handle && live.health ? live.health.read(performance.now()) : null;
  }

  /** Health samples of a session, oldest first (the post-live report). */
  async healthSeries(ctx: Ctx, sessionId: string): Promise<{ at: string; publishId: string; width: number | null; height: number | null; fps: number | null; videoBps: number; audioBps: number; keyframeIntervalS: number | null; lateFrames: number; warnings: string[] }[]> {
    requirePermission(ctx.actor, 'sessions:read');
    await this.d.sessions.getInternal(sessionId);
    const rows = await this.d.db.selectFrom('stream_health').selectAll().where('session_id', '=', sessionId).orderBy('at').limit(5000).execute();
    return rows.map((r) => ({ at: r.at, publishId: r.publish_id, width: r.width, height: r.height, fps: r.fps === null ? null : Number(r.fps), videoBps: Number(r.video_bps), audioBps: Number(r.audio_bps), keyframeIntervalS: r.keyframe_interval_s === null ? null : Number(r.keyframe_interval_s), lateFrames: Number(r.late_frames), warnings: (JSON.parse(r.warnings_json) as { code: string }[]).map((w) => w.code) }));
  }

  private announce(sessionId: string): void {
    const live = this.streams.get(sessionId);
    // In test mode the audience hears nothing of the stream (setRehearsal announces when it ends).
    if (!live || !this.d.publish || this.rehearsals.has(sessionId)) return;
    this.d.publish(sessionId, { t: 'stream', state: live.state, since: live.since, graceEndsAt: live.graceEndsAt, now: this.now() }).catch((e: unknown) => this.err(e, 'stream announce'));
  }

  // ---------- viewers ----------

  /** The stream's state and where to play it (a signed URL for a private session), for a viewer who may see the session. */
  async playInfo(sessionId: string, invite?: string): Promise<{ state: StreamState; since: number | null; graceEndsAt: number | null; flvUrl: string; hlsUrl: string | null; position: StreamPosition | null; now: number }> {
    const s = await this.d.sessions.getPublic(sessionId, invite);
    const internal = await this.d.sessions.getInternal(s.id);
    // In test mode the audience sees no stream (the team previews it with its own token).
    const live = this.rehearsals.has(sessionId) ? undefined : this.streams.get(sessionId);
    const now = this.now();
    const playToken = internal.visibility === 'private' ? signPlayToken(this.d.signingSecret, sessionId, now + PLAY_TOKEN_TTL_MS) : null;
    const token = playToken ? `?t=${encodeURIComponent(playToken)}` : '';
    // HLS (ffmpeg) carries the token in its path, so the playlist's relative segment URLs carry it too.
    const hlsUrl = this.d.ffmpeg.ok ? hlsPlaylistUrl(sessionId, playToken) : null;
    return { state: live?.state ?? 'offline', since: live?.since ?? null, graceEndsAt: live?.graceEndsAt ?? null, flvUrl: `/api/live/${sessionId}/video.flv${token}`, hlsUrl, position: live ? this.position(sessionId) : null, now };
  }

  /** May this request play the session's video? Public sessions: anyone who may see them; private: a valid play token. */
  async checkPlay(sessionId: string, token: string | undefined): Promise<void> {
    const s = await this.d.sessions.getInternal(sessionId).catch(() => null);
    // The team's token (test-stream preview) plays whatever streams: drafts, private sessions, test mode.
    const team = Boolean(s && token && verifyPlayToken(this.d.signingSecret, token, teamPlaySubject(sessionId), this.now()));
    if (!s || (s.status === 'draft' && !team)) throw notFound('Session');
    if (!team && s.visibility === 'private' && !(token && verifyPlayToken(this.d.signingSecret, token, sessionId, this.now()))) {
      throw new AppError('forbidden', 'This play link has expired or is not for this session; reload the page', { code: 'PLAY_TOKEN_INVALID' });
    }
    const live = team || !this.rehearsals.has(sessionId) ? this.streams.get(sessionId) : undefined;
    if (!live || live.state === 'offline') throw new AppError('not_found', 'The session is not streaming right now', { code: 'STREAM_OFFLINE' });
  }

  /** A viewer's player: FLV header, init tags, the GOP, then live; returns the unsubscribe. */
  watch(sessionId: string, sink: ViewerSink): () => void {
    return this.relayOf(sessionId).add(sink);
  }

  /** For health and tests: the relay's numbers and what the encoder declared. */
  streamStats(sessionId: string): { state: StreamState; metadata: StreamMetadata | null; relay: ReturnType<FlvRelay['stats']> | null } {
    const live = this.streams.get(sessionId);
    return { state: live?.state ?? 'offline', metadata: live?.metadata ?? null, relay: this.relays.get(sessionId)?.stats() ?? null };
  }

  /** Shutting down: encoders cut off, players closed (no session transitions). */
  stopAll(): void {
    for (const [sessionId, live] of this.streams) {
      if (live.grace) clearTimeout(live.grace);
      this.stopHealth(live);
      if (live.publishId) void this.endPublish(live.publishId, 'server_stopped');
      if (live.handle) this.ended(sessionId, live, 'server_stopped');
      live.handle?.kick();
      live.handle = null;
    }
    for (const r of this.relays.values()) r.end();
    this.relays.clear();
    this.streams.clear();
  }
}
