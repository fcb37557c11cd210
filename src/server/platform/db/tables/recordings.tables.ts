/** Tables of the video module's recordings. Same conventions as db.types.ts. Created by migration 010. */
export type RecordingStatus = 'recording' | 'processing' | 'ready' | 'failed' | 'deleted';

/** One recorded publish: `<media>/recordings/<session_id>/<file_name>`. */
export interface RecordingsTable {
  id: string;
  session_id: string;
  /** stream_publishes.id: one recording per publish. */
  publish_id: string;
  status: RecordingStatus;
  /** `<publish>.part.mp4` while recording, `<publish>.mp4` once ready. */
  file_name: string;
  /** Size on disk (bigint on PostgreSQL: read with Number()). */
  bytes: number | string;
  duration_ms: number | null;
  /** Wall clock of the recording's first frame: replay time 0. */
  started_at: string;
  ended_at: string | null;
  /** Why it failed (ffmpeg's last lines, or the restart that interrupted it). */
  error: string | null;
  deleted_at: string | null;
  deleted_by: string | null;
}

export interface RecordingTables {
  recordings: RecordingsTable;
}
