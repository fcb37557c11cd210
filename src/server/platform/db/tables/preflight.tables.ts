/** Tables of pre-flight (video module). Same conventions as db.types.ts. Created by migration 012. */
export interface PreflightChecksTable {
  session_id: string;
  /** A key of PREFLIGHT_ITEMS (contracts/preflight.contract.ts). */
  item: string;
  /** 1 ticked, 0 unticked. */
  checked: number;
  /** Who changed it last, and when. */
  by_id: string | null;
  by_name: string | null;
  at: string;
  note: string | null;
  /** network.upload: the speed test's result and the bitrate it was held to (kbps). */
  measured_kbps: number | null;
  target_kbps: number | null;
}

/** A session in test-stream mode: publishing does not take it live and the audience sees nothing. */
export interface StreamRehearsalsTable {
  session_id: string;
  started_at: string;
  by_id: string | null;
  by_name: string | null;
}

export interface PreflightTables {
  preflight_checks: PreflightChecksTable;
  stream_rehearsals: StreamRehearsalsTable;
}
