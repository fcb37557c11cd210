import type { RestreamPlatform } from '../../../../contracts/restream.contract.js';

/** Tables of restream (video module). Same conventions as db.types.ts. Created by migration 011. */
export interface RestreamTargetsTable {
  id: string;
  session_id: string;
  name: string;
  /** Trimmed, lower-case name: unique per session. */
  name_key: string;
  platform: RestreamPlatform;
  /** rtmp:// or rtmps:// server, no credentials, no trailing slash. */
  server_url: string;
  /** The stream key sealed with the data key (SecretBox, the target id as associated data). */
  key_sealed: string;
  /** 0/1 */
  enabled: number;
  created_at: string;
  updated_at: string;
}

export interface RestreamTables {
  restream_targets: RestreamTargetsTable;
}
