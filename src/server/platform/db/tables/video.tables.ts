/** Tables of the video module. Same conventions as db.types.ts. Created by migration 009. */
export interface StreamKeysTable {
  session_id: string;
  /** sha256 (hex) of the key: the publish handshake finds the session by it. */
  key_hash: string;
  /** The key sealed with the data key (SecretBox, the session id as associated data). */
  key_sealed: string;
  created_at: string;
  rotated_at: string | null;
}

export type PublishEndReason = 'unpublished' | 'kicked' | 'key_rotated' | 'session_ended' | 'server_stopped';

export interface StreamPublishesTable {
  id: string;
  session_id: string;
  started_at: string;
  ended_at: string | null;
  end_reason: PublishEndReason | null;
  remote_address: string | null;
  /** The encoder's name from its RTMP connect (e.g. "FMLE/3.0 (compatible; obs-studio/30.1)"), cut to 200. */
  encoder: string | null;
}

/** One health sample of a publish (every 10 s), for the console's live view and the post-live report. */
export interface StreamHealthTable {
  id: string;
  session_id: string;
  publish_id: string;
  at: string;
  width: number | null;
  height: number | null;
  fps: number | null;
  video_bps: number;
  audio_bps: number;
  keyframe_interval_s: number | null;
  late_frames: number;
  /** HealthWarning[] (core/stream-health.ts). */
  warnings_json: string;
}

export interface VideoTables {
  stream_keys: StreamKeysTable;
  stream_publishes: StreamPublishesTable;
  stream_health: StreamHealthTable;
}
