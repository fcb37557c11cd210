import amf from 'node-media-server/src/protocol/amf.js';
import { describe, expect, it } from 'vitest';
import { FlvRelay, type ViewerSink } from './core/flv-relay.js';
import { CLOCK_TAG_NAME, clockTag, tagTimestamp } from './flv-tags.js';

/** A whole video tag (keyframe or inter frame) with the given timestamp, including the extended byte. */
function videoTag(ts: number, key: boolean): Buffer {
  const body = Buffer.from([key ? 0x17 : 0x27, 0x01, 0, 0, 0, 0xaa]);
  const b = Buffer.alloc(11 + body.length + 4);
  b[0] = 9;
  b.writeUIntBE(body.length, 1, 3);
  b.writeUIntBE(ts & 0xffffff, 4, 3);
  b[7] = (ts >>> 24) & 0xff;
  body.copy(b, 11);
  b.writeUInt32BE(11 + body.length, 11 + body.length);
  return b;
}

function tags(stream: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 13; at < stream.length; ) {
    const size = stream.readUIntBE(at + 1, 3);
    out.push(stream.subarray(at, at + 11 + size + 4));
    at += 11 + size + 4;
  }
  return out;
}

describe('the stream clock tag', () => {
  it('tagTimestamp reads the 24-bit timestamp and its extension byte', () => {
    for (const ts of [0, 1, 40, 0xffffff, 0x1000000, 0x7fffffff, 0xfffffffe]) expect(tagTimestamp(videoTag(ts, true))).toBe(ts);
  });

  it('clockTag is a script tag "onOnairClock" {base, publish} an AMF0 reader decodes, stamped with base', () => {
    const t = clockTag(123_456, 'pub-1');
    expect(t[0]).toBe(18);
    expect(tagTimestamp(t)).toBe(123_456);
    const size = t.readUIntBE(1, 3);
    expect(t.readUInt32BE(11 + size)).toBe(11 + size);
    const body = t.subarray(11, 11 + size);
    const name = amf.amf0DecodeOne(body);
    expect(name.value).toBe(CLOCK_TAG_NAME);
    expect(amf.amf0DecodeOne(body.subarray(name.len)).value).toEqual({ base: 123_456, publish: 'pub-1' });
  });

  it('the relay writes the start tag just before each viewer\'s first keyframe, made from that keyframe', () => {
    const relay = new FlvRelay({ startTag: (kf) => clockTag(tagTimestamp(kf), 'p') });
    const out: Buffer[] = [];
    const sink: ViewerSink = { buffered: 0, write: (c) => out.push(Buffer.from(c)), close: () => undefined };
    relay.add(sink); // joins before any keyframe: starts on the next one
    relay.push({ kind: 'video', dts: 10, bytes: videoTag(10, false) });
    relay.push({ kind: 'keyframe', dts: 2000, bytes: videoTag(2000, true) });
    relay.push({ kind: 'video', dts: 2040, bytes: videoTag(2040, false) });
    const late: Buffer[] = [];
    relay.add({ buffered: 0, write: (c) => late.push(Buffer.from(c)), close: () => undefined }); // joins from the GOP cache
    for (const [stream, first] of [[Buffer.concat(out), 2000], [Buffer.concat(late), 2000]] as const) {
      const t = tags(stream);
      expect(t[0]![0]).toBe(18);
      expect(tagTimestamp(t[0]!)).toBe(first);
      expect(t.slice(1).map(tagTimestamp)).toEqual([2000, 2040]);
    }
  });
});
