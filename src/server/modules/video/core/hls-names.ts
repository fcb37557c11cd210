// Pure naming rules of the live HLS output: what ffmpeg is told to write, and which names the
// routes accept (anything else is refused before it gets near the file system).

/** The playlist of a publish, in its own folder. */
export const HLS_PLAYLIST = 'index.m3u8';

/** A publish id as the id generator makes them (lower-case base36 + hex); the folder and segment prefix. */
const PUBLISH_ID = /^[a-z0-9]{8,40}$/;
/** `<publishId>-<n>.ts`: segments name their publish, so a player (and its stream clock) can tell which one it plays. */
const SEGMENT = /^([a-z0-9]{8,40})-(\d{1,9})\.ts$/;
/** `open` for a public session, else the play token of a private one (`v1.<session>.<expiry>.<hmac>`). */
const TOKEN = /^(open|v1\.[A-Za-z0-9_-]{1,64}\.\d{1,15}\.[A-Za-z0-9_-]{16,100})$/;

export function isPublishId(s: string): boolean {
  return PUBLISH_ID.test(s);
}

/** The publish a segment belongs to, or null when the name is not one ffmpeg writes. */
export function parseSegmentName(name: string): { publishId: string; index: number } | null {
  const m = SEGMENT.exec(name);
  return m ? { publishId: m[1]!, index: Number(m[2]) } : null;
}

export function isHlsToken(s: string): boolean {
  return s.length <= 200 && TOKEN.test(s);
}

/** The play token to check for a path token: `open` means none. */
export function tokenOf(pathToken: string): string | undefined {
  return pathToken === 'open' ? undefined : pathToken;
}

/** The playlist URL for a session (relative segment URLs then carry the token too). */
export function hlsPlaylistUrl(sessionId: string, playToken: string | null): string {
  return `/api/live/${encodeURIComponent(sessionId)}/hls/${playToken ? encodeURIComponent(playToken) : 'open'}/${HLS_PLAYLIST}`;
}

export const HLS_CONTENT_TYPES = {
  playlist: 'application/vnd.apple.mpegurl',
  segment: 'video/mp2t',
} as const;

/**
 * ffmpeg's output arguments: the relay's H.264/AAC copied (no re-encoding) into 1 s MPEG-TS
 * segments, six in the playlist, old ones deleted. `-copyts` with no mux delay keeps the encoder's
 * timestamps (PTS = FLV ms × 90), so a player maps its position onto the stream clock.
 * Segments are cut on keyframes, so they are as long as the encoder's keyframe interval.
 */
export function hlsOutputArgs(publishId: string): string[] {
  return [
    '-c', 'copy',
    '-copyts',
    '-muxdelay', '0',
    '-muxpreload', '0',
    '-f', 'hls',
    '-hls_time', '1',
    '-hls_list_size', '6',
    '-hls_flags', 'delete_segments+independent_segments+program_date_time',
    '-hls_segment_filename', `${publishId}-%d.ts`,
    HLS_PLAYLIST,
  ];
}
