/**
 * The few WebSocket framing pieces the load generators' raw-TCP viewers need (bench/fanout,
 * bench/interact): reading server frames out of a buffer, and building a client frame.
 */

/**
 * Calls `onFrame(opcode, buf, start, end)` for each whole frame in `buf` from `off`; returns the
 * offset of the first byte not consumed (an incomplete frame waits for more bytes). `stop()` true
 * ends the loop early (the socket was closed by a frame).
 */
export function readFrames(buf: Buffer, off: number, onFrame: (op: number, buf: Buffer, start: number, end: number) => void, stop: () => boolean = () => false): number {
  for (;;) {
    if (buf.length - off < 2) return off;
    const b1 = buf[off + 1]!;
    let len = b1 & 0x7f;
    let h = 2;
    if (len === 126) {
      if (buf.length - off < 4) return off;
      len = buf.readUInt16BE(off + 2);
      h = 4;
    } else if (len === 127) {
      if (buf.length - off < 10) return off;
      len = buf.readUInt32BE(off + 2) * 2 ** 32 + buf.readUInt32BE(off + 6);
      h = 10;
    }
    if (b1 & 0x80) h += 4; // a masked server frame is a protocol error; skip its key anyway
    if (buf.length - off < h + len) return off;
    onFrame(buf[off]! & 0x0f, buf, off + h, off + h + len);
    off += h + len;
    if (stop()) return off;
  }
}

/** A client frame (masked, as the protocol requires; the key is zero so the payload is as is). */
export function clientFrame(op: number, payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x80 | op, 0x80 | n, 0, 0, 0, 0]) : Buffer.from([0x80 | op, 0x80 | 126, n >> 8, n & 0xff, 0, 0, 0, 0]);
  return Buffer.concat([head, payload]);
}
