import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlvRelay, flvHeader, type FlvTag, type TagKind, type ViewerSink } from './flv-relay.js';

// ---- test FLV: real tag layout, an id in the body so a received byte stream can be read back ----

const CODEC: Record<TagKind, [type: number, b0: number, b1: number]> = {
  meta: [18, 0x02, 0x00],
  'video-config': [9, 0x17, 0x00],
  keyframe: [9, 0x17, 0x01],
  video: [9, 0x27, 0x01],
  'audio-config': [8, 0xaf, 0x00],
  audio: [8, 0xaf, 0x01],
};

/** A complete FLV tag (header + body + PreviousTagSize). Configs: id = variant (same id = same payload). */
function tag(kind: TagKind, id: number, pad = 0, dts = id): FlvTag {
  const [type, b0, b1] = CODEC[kind];
  const size = 6 + pad;
  const b = Buffer.alloc(11 + size + 4);
  b[0] = type;
  b.writeUIntBE(size, 1, 3);
  b.writeUIntBE(dts & 0xffffff, 4, 3);
  b[7] = (dts >>> 24) & 0xff;
  b[11] = b0;
  b[12] = b1;
  b.writeUInt32BE(id, 13);
  b.writeUInt32BE(11 + size, 11 + size);
  return { kind, dts, bytes: b };
}

interface Seen {
  kind: TagKind;
  id: number;
}

function kindOf(type: number, b0: number, b1: number): TagKind {
  if (type === 18) return 'meta';
  if (type === 8) return b1 === 0 ? 'audio-config' : 'audio';
  if (b1 === 0) return 'video-config';
  return b0 >> 4 === 1 ? 'keyframe' : 'video';
}

/** Reads a viewer's byte stream back, failing on anything that is not a well-formed FLV stream. */
function parse(stream: Buffer): { flags: number | null; tags: Seen[] } {
  if (stream.length === 0) return { flags: null, tags: [] };
  expect(stream.subarray(0, 3).toString('latin1')).toBe('FLV');
  expect(stream[3]).toBe(1);
  expect(stream.readUInt32BE(5)).toBe(9);
  expect(stream.readUInt32BE(9)).toBe(0);
  const tags: Seen[] = [];
  let at = 13;
  while (at < stream.length) {
    const size = stream.readUIntBE(at + 1, 3);
    expect(stream.readUInt32BE(at + 11 + size)).toBe(11 + size);
    tags.push({ kind: kindOf(stream[at]!, stream[at + 11]!, stream[at + 12]!), id: stream.readUInt32BE(at + 13) });
    at += 11 + size + 4;
  }
  expect(at).toBe(stream.length);
  return { flags: stream[4]!, tags };
}

class FakeSink implements ViewerSink {
  buffered = 0;
  readonly chunks: Buffer[] = [];
  readonly closed: ('slow' | 'ended')[] = [];
  bufferedAtClose = -1;
  writesAfterClose = 0;
  maxBufferedAtWrite = 0;
  write(chunk: Buffer): void {
    if (this.closed.length > 0) this.writesAfterClose++;
    this.maxBufferedAtWrite = Math.max(this.maxBufferedAtWrite, this.buffered);
    this.chunks.push(Buffer.from(chunk));
  }
  close(reason: 'slow' | 'ended'): void {
    this.closed.push(reason);
    this.bufferedAtClose = this.buffered;
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
  get written(): number {
    return this.bytes.length;
  }
  /** `kind#id` of every tag received, in order. */
  labels(): string[] {
    return parse(this.bytes).tags.map((t) => `${t.kind}#${t.id}`);
  }
  flags(): number | null {
    return parse(this.bytes).flags;
  }
}

const INIT = ['meta#1', 'video-config#1', 'audio-config#1'];
function feedInit(relay: FlvRelay): void {
  relay.push(tag('meta', 1));
  relay.push(tag('video-config', 1));
  relay.push(tag('audio-config', 1));
}

describe('flvHeader', () => {
  it('writes signature, version, track flags, data offset 9 and PreviousTagSize0', () => {
    expect([...flvHeader(true, true)]).toEqual([0x46, 0x4c, 0x56, 1, 0x05, 0, 0, 0, 9, 0, 0, 0, 0]);
    expect(flvHeader(false, true)[4]).toBe(0x01);
    expect(flvHeader(true, false)[4]).toBe(0x04);
    expect(flvHeader(false, false)[4]).toBe(0x00);
    expect(flvHeader(true, true)).toHaveLength(13);
  });
});

describe('FlvRelay', () => {
  it('gives a viewer joining mid-GOP the header, init tags, the whole cached GOP from its keyframe, then live tags', () => {
    const relay = new FlvRelay();
    const early = new FakeSink();
    relay.add(early);
    feedInit(relay);
    relay.push(tag('keyframe', 10));
    relay.push(tag('video', 11));
    relay.push(tag('audio', 12));
    relay.push(tag('keyframe', 20));
    relay.push(tag('video', 21));
    relay.push(tag('audio', 22));

    const late = new FakeSink();
    relay.add(late);
    expect(late.flags()).toBe(0x05);
    expect(late.labels()).toEqual([...INIT, 'keyframe#20', 'video#21', 'audio#22']);
    expect(relay.stats()).toMatchObject({ viewers: 2, gopTags: 3 });

    relay.push(tag('video', 23));
    relay.push(tag('audio', 24));
    expect(late.labels()).toEqual([...INIT, 'keyframe#20', 'video#21', 'audio#22', 'video#23', 'audio#24']);
    expect(early.labels()).toEqual([
      ...INIT,
      ...['keyframe#10', 'video#11', 'audio#12', 'keyframe#20', 'video#21', 'audio#22', 'video#23', 'audio#24'],
    ]);
    expect(relay.stats().bytesOut).toBe(early.written + late.written);
  });

  it('makes a viewer wait for the next keyframe when no GOP is cached, and sends nothing before it', () => {
    const relay = new FlvRelay();
    const v = new FakeSink();
    relay.add(v);
    relay.push(tag('meta', 1));
    relay.push(tag('video-config', 1));
    relay.push(tag('video', 5)); // before any keyframe: not cached, not sent
    expect(v.written).toBe(0);
    expect(relay.stats().gopTags).toBe(0);

    relay.push(tag('keyframe', 10));
    relay.push(tag('video', 11));
    // The header is written at the first keyframe, so its track flags are known: video only here.
    expect(v.flags()).toBe(0x01);
    expect(v.labels()).toEqual(['meta#1', 'video-config#1', 'keyframe#10', 'video#11']);
    expect(relay.stats().skippedTags).toBe(0); // waiting for a first keyframe is not skipping

    // A viewer that joins with the stream going but its cache dropped also waits.
    const tiny = new FlvRelay({ maxGopBytes: 10 });
    feedInit(tiny);
    tiny.push(tag('keyframe', 30));
    const w = new FakeSink();
    tiny.add(w);
    tiny.push(tag('audio', 31));
    expect(w.written).toBe(0);
  });

  it('forwards a changed config to current viewers, ignores an identical resend, and never serves old frames after the new config', () => {
    const relay = new FlvRelay();
    const v = new FakeSink();
    relay.add(v);
    feedInit(relay);
    relay.push(tag('keyframe', 10));
    relay.push(tag('video-config', 1, 0, 11)); // same payload, new timestamp: not a change
    relay.push(tag('video', 12));
    relay.push(tag('video-config', 2)); // encoder changed
    relay.push(tag('audio-config', 2));
    expect(v.labels()).toEqual([...INIT, 'keyframe#10', 'video#12', 'video-config#2', 'audio-config#2']);
    // The cached GOP was encoded for config 1: a joiner now waits for a keyframe ...
    expect(relay.stats().gopTags).toBe(0);
    const late = new FakeSink();
    relay.add(late);
    relay.push(tag('video', 13));
    expect(late.written).toBe(0);
    // ... and starts on the new config.
    relay.push(tag('keyframe', 20));
    expect(late.labels()).toEqual(['meta#1', 'video-config#2', 'audio-config#2', 'keyframe#20']);
    expect(v.labels().slice(-2)).toEqual(['video#13', 'keyframe#20']);
  });

  it('drops a GOP over the cap until the next keyframe, which starts a new cache', () => {
    const size = tag('video', 0).bytes.length; // every test tag without padding has this size
    const relay = new FlvRelay({ maxGopBytes: 3 * size });
    feedInit(relay);
    relay.push(tag('keyframe', 10));
    relay.push(tag('video', 11));
    relay.push(tag('audio', 12));
    expect(relay.stats()).toMatchObject({ gopTags: 3, gopBytes: 3 * size });
    relay.push(tag('video', 13)); // would be 4 tags
    expect(relay.stats()).toMatchObject({ gopTags: 0, gopBytes: 0 });
    relay.push(tag('video', 14)); // still waiting: not appended
    expect(relay.stats().gopTags).toBe(0);

    relay.push(tag('keyframe', 20));
    relay.push(tag('audio', 21));
    expect(relay.stats()).toMatchObject({ gopTags: 2, gopBytes: 2 * size });
    const v = new FakeSink();
    relay.add(v);
    expect(v.labels()).toEqual([...INIT, 'keyframe#20', 'audio#21']);

    // A keyframe larger than the cap is relayed but not cached.
    relay.push(tag('keyframe', 30, 4 * size));
    expect(relay.stats()).toMatchObject({ gopTags: 0, gopBytes: 0 });
    expect(v.labels().at(-1)).toBe('keyframe#30');
  });

  it('makes a slow viewer skip to a keyframe that finds it drained, never sending an inter frame without its keyframe', () => {
    const relay = new FlvRelay({ slowBytes: 1000, dropBytes: 5000 });
    const slow = new FakeSink();
    relay.add(slow);
    feedInit(relay);
    relay.push(tag('keyframe', 10));
    relay.push(tag('video', 11));

    slow.buffered = 1001;
    relay.push(tag('video', 12)); // skipped
    relay.push(tag('audio', 13)); // skipped
    relay.push(tag('keyframe', 20)); // still behind: skipped
    slow.buffered = 1000; // drained to the limit
    relay.push(tag('video', 21)); // no keyframe yet: skipped
    relay.push(tag('audio-config', 1)); // unchanged: nothing to send
    relay.push(tag('meta', 2)); // init tags always go through
    relay.push(tag('keyframe', 30)); // resumes here
    relay.push(tag('video', 31));
    slow.buffered = 0;
    relay.push(tag('audio', 32));

    expect(slow.labels()).toEqual([...INIT, 'keyframe#10', 'video#11', 'meta#2', 'keyframe#30', 'video#31', 'audio#32']);
    expect(relay.stats()).toMatchObject({ skippedTags: 4, droppedViewers: 0, viewers: 1 });
    expect(slow.closed).toEqual([]);
  });

  it('drops a viewer above dropBytes with "slow", once, and writes nothing more to it', () => {
    const relay = new FlvRelay({ slowBytes: 1000, dropBytes: 5000 });
    const a = new FakeSink();
    const b = new FakeSink();
    relay.add(a);
    relay.add(b);
    feedInit(relay);
    relay.push(tag('keyframe', 10));
    const before = a.written;
    a.buffered = 5001;
    b.buffered = 5000; // at the limit: kept (but skipping)
    relay.push(tag('video', 11));
    relay.push(tag('video-config', 2));
    relay.push(tag('keyframe', 20));
    expect(a.closed).toEqual(['slow']);
    expect(a.written).toBe(before);
    expect(a.writesAfterClose).toBe(0);
    expect(b.closed).toEqual([]);
    expect(b.labels().at(-1)).toBe('video-config#2');
    expect(relay.stats()).toMatchObject({ viewers: 1, droppedViewers: 1 });

    // A config tag alone also drops a viewer that is too far behind.
    b.buffered = 5001;
    relay.push(tag('audio-config', 2));
    expect(b.closed).toEqual(['slow']);
    expect(relay.stats()).toMatchObject({ viewers: 0, droppedViewers: 2 });
  });

  it('does not count the join burst (a big cached GOP) as lag, but does count what is queued after it', () => {
    const relay = new FlvRelay({ maxGopBytes: 100_000, slowBytes: 1000, dropBytes: 3000 });
    feedInit(relay);
    relay.push(tag('keyframe', 10, 20_000));
    relay.push(tag('video', 11, 20_000));
    const v = new FakeSink();
    relay.add(v);
    const burst = v.written;
    expect(burst).toBeGreaterThan(40_000);

    v.buffered = burst; // nothing flushed yet: the whole GOP is still queued, which is expected
    relay.push(tag('audio', 12, 500));
    expect(v.labels().at(-1)).toBe('audio#12');
    expect(v.closed).toEqual([]);

    v.buffered = v.written; // still nothing flushed, now 1 live tag + the next behind the burst
    relay.push(tag('audio', 13, 500));
    v.buffered = v.written; // 1.5 KB of live tags queued behind the burst: slow
    relay.push(tag('video', 14));
    expect(v.labels().at(-1)).toBe('audio#13');
    expect(relay.stats().skippedTags).toBe(1);

    v.buffered = v.written + 2000; // more than dropBytes beyond the burst
    relay.push(tag('video', 15));
    expect(v.closed).toEqual(['slow']);

    // Once the burst has flushed, the plain thresholds apply.
    const w = new FakeSink();
    relay.add(w); // joins on the same cached GOP
    w.buffered = 0; // burst flushed
    relay.push(tag('audio', 16));
    w.buffered = 1001; // all of it is lag now
    relay.push(tag('audio', 17));
    expect(w.labels().at(-1)).toBe('audio#16');
  });

  it('end() closes every viewer with "ended" once and clears; the relay then serves a new publish', () => {
    const relay = new FlvRelay();
    const started = new FakeSink();
    const waiting = new FakeSink();
    const gone = new FakeSink();
    relay.add(started);
    feedInit(relay);
    relay.push(tag('keyframe', 10));
    relay.push(tag('video', 11));
    relay.add(gone)(); // unsubscribed: not closed by the relay
    const tiny = new FlvRelay({ maxGopBytes: 0 });
    tiny.add(waiting);
    tiny.end();
    expect(waiting.closed).toEqual(['ended']);

    relay.end();
    relay.end();
    expect(started.closed).toEqual(['ended']);
    expect(gone.closed).toEqual([]);
    expect(relay.stats()).toMatchObject({ viewers: 0, gopBytes: 0, gopTags: 0 });

    // New publish, no audio this time: old init tags are gone and old viewers get nothing.
    const next = new FakeSink();
    relay.add(next);
    expect(next.written).toBe(0);
    relay.push(tag('video-config', 7));
    relay.push(tag('keyframe', 40));
    expect(next.flags()).toBe(0x01);
    expect(next.labels()).toEqual(['video-config#7', 'keyframe#40']);
    expect(started.writesAfterClose).toBe(0);
  });

  it('takes odd input without throwing', () => {
    const relay = new FlvRelay();
    const v = new FakeSink();
    relay.add(v);
    expect(() => {
      relay.push(tag('video', 1));
      relay.push(tag('audio', 2));
      relay.push({ kind: 'video', dts: 0, bytes: Buffer.alloc(0) });
      relay.push({ kind: 'keyframe', dts: 0, bytes: Buffer.alloc(0) });
      relay.push({ kind: 'nonsense' as TagKind, dts: 0, bytes: Buffer.from([1, 2, 3]) });
      relay.push({ kind: 'audio', dts: 0, bytes: undefined as unknown as Buffer });
      relay.push(null as unknown as FlvTag);
      relay.end();
      relay.end();
    }).not.toThrow();
    expect(v.closed).toEqual(['ended']);
    expect(v.written).toBe(0);
    expect(() => new FlvRelay({ slowBytes: -1 })).toThrow(RangeError);
    expect(() => new FlvRelay({ dropBytes: Number.NaN })).toThrow(RangeError);
  });

  it('unsubscribes idempotently, ignores a second add of the same sink, and survives sinks that join or leave during a write', () => {
    const relay = new FlvRelay();
    const a = new FakeSink();
    const off = relay.add(a);
    expect(relay.add(a)).toBe(off);
    feedInit(relay);
    relay.push(tag('keyframe', 10));
    expect(a.labels()).toEqual([...INIT, 'keyframe#10']); // once, not twice

    // While the relay fans out video#11, b's write adds c (which gets it from the cache) and removes a.
    const b = new FakeSink();
    const c = new FakeSink();
    relay.add(b);
    let armed = true;
    b.write = (chunk) => {
      FakeSink.prototype.write.call(b, chunk);
      if (!armed) return;
      armed = false;
      relay.add(c);
      off();
      off();
    };
    relay.push(tag('video', 11));
    relay.push(tag('keyframe', 20));
    expect(a.labels()).toEqual([...INIT, 'keyframe#10', 'video#11']);
    expect(b.labels()).toEqual([...INIT, 'keyframe#10', 'video#11', 'keyframe#20']);
    expect(c.labels()).toEqual([...INIT, 'keyframe#10', 'video#11', 'keyframe#20']);
    expect(relay.stats().viewers).toBe(2);
    expect(a.closed).toEqual([]);
  });
});

// ---- property: any tag sequence, any buffered levels ----

const OPTS = { maxGopBytes: 600, slowBytes: 300, dropBytes: 900 };
const MEDIA: TagKind[] = ['keyframe', 'video', 'video', 'video', 'audio', 'audio'];
const CONFIG: TagKind[] = ['meta', 'video-config', 'audio-config'];

type Op =
  | { t: 'push'; kind: TagKind; pad: number; variant: number }
  | { t: 'add'; fast: boolean }
  | { t: 'remove'; i: number }
  | { t: 'buffer'; i: number; level: number }
  | { t: 'drain'; i: number }
  | { t: 'end' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ t: fc.constant('push' as const), kind: fc.constantFrom(...MEDIA), pad: fc.oneof({ weight: 9, arbitrary: fc.nat(250) }, { weight: 1, arbitrary: fc.nat(700) }), variant: fc.constant(0) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('push' as const), kind: fc.constantFrom(...CONFIG), pad: fc.constant(0), variant: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('add' as const), fast: fc.nat(2).map((x) => x === 0) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('remove' as const), i: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('buffer' as const), i: fc.nat(), level: fc.nat(OPTS.dropBytes + 200) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('drain' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ t: 'end' as const }) },
);

interface MediaRecord {
  kind: TagKind;
  /** Position among all media tags pushed: consecutive numbers = nothing missed in between. */
  n: number;
  vcfg: number | null;
  acfg: number | null;
}

describe('FlvRelay (property)', () => {
  it('every viewer decodes: media runs start on keyframes under the config they were encoded for; bounded memory; in-time viewers miss nothing', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 10, maxLength: 200, size: 'max' }), (ops) => {
        const relay = new FlvRelay(OPTS);
        const media = new Map<number, MediaRecord>();
        let nextId = 1000;
        let n = 0;
        let cfg = { 'video-config': null as number | null, 'audio-config': null as number | null };
        let maxInit = 0;

        interface Entry {
          sink: FakeSink;
          off: () => void;
          fast: boolean;
          attached: boolean;
          endedWhileAttached: boolean;
          /** Media numbers pushed while attached. */
          pushed: number[];
          firstKeyframeAfterJoin: number | null;
        }
        const all: Entry[] = [];
        const attached = () => all.filter((e) => e.attached);

        for (const op of ops) {
          switch (op.t) {
            case 'push': {
              if (op.kind === 'meta' || op.kind === 'video-config' || op.kind === 'audio-config') {
                const t = tag(op.kind, op.variant, 0, nextId++);
                maxInit = Math.max(maxInit, t.bytes.length);
                if (op.kind !== 'meta') cfg = { ...cfg, [op.kind]: op.variant };
                relay.push(t);
                break;
              }
              const id = nextId++;
              media.set(id, { kind: op.kind, n: ++n, vcfg: cfg['video-config'], acfg: cfg['audio-config'] });
              for (const e of attached()) {
                e.pushed.push(n);
                if (op.kind === 'keyframe' && e.firstKeyframeAfterJoin === null) e.firstKeyframeAfterJoin = n;
              }
              relay.push(tag(op.kind, id, op.pad));
              break;
            }
            case 'add': {
              const sink = new FakeSink();
              const e: Entry = { sink, off: () => {}, fast: op.fast, attached: true, endedWhileAttached: false, pushed: [], firstKeyframeAfterJoin: null };
              all.push(e);
              const cached = relay.stats().gopTags;
              e.off = relay.add(sink);
              // A cached GOP is sent at once, whole; without one, nothing is sent yet.
              expect(parse(sink.bytes).tags.filter((t) => media.has(t.id))).toHaveLength(cached);
              if (cached === 0) expect(sink.written).toBe(0);
              break;
            }
            case 'remove': {
              const now = attached();
              const e = now[op.i % Math.max(1, now.length)];
              if (e) {
                e.off();
                e.attached = false;
              }
              break;
            }
            case 'buffer':
            case 'drain': {
              const now = attached();
              const e = now[op.i % Math.max(1, now.length)];
              if (e && !e.fast) e.sink.buffered = op.t === 'drain' ? 0 : op.level;
              break;
            }
            case 'end':
              for (const e of attached()) e.endedWhileAttached = true;
              relay.end();
              cfg = { 'video-config': null, 'audio-config': null };
              break;
          }
          for (const e of all) if (e.sink.closed.length > 0) e.attached = false;
          const s = relay.stats();
          expect(s.gopBytes).toBeLessThanOrEqual(OPTS.maxGopBytes);
          expect(s.viewers).toBe(attached().length);
        }

        let totalOut = 0;
        for (const e of all) {
          const { sink } = e;
          totalOut += sink.written;
          const { tags } = parse(sink.bytes);
          expect(sink.closed.length).toBeLessThanOrEqual(1);
          expect(sink.writesAfterClose).toBe(0);
          if (sink.closed[0] === 'slow') expect(sink.bufferedAtClose).toBeGreaterThan(OPTS.dropBytes);
          if (sink.closed[0] === 'ended') expect(e.endedWhileAttached).toBe(true);

          const lastCfg: Record<string, number | null> = { 'video-config': null, 'audio-config': null };
          let prev: MediaRecord | null = null;
          const got: number[] = [];
          for (const t of tags) {
            if (t.kind === 'video-config' || t.kind === 'audio-config') {
              lastCfg[t.kind] = t.id;
              continue;
            }
            if (t.kind === 'meta') continue;
            const m = media.get(t.id)!;
            expect(m).toBeDefined();
            got.push(m.n);
            // A run (no tag missed since the previous one) must start on a keyframe.
            const newRun = prev === null || m.n !== prev.n + 1;
            if (newRun) expect(m.kind).toBe('keyframe');
            // The decoder config the viewer holds is the one the tag was encoded for.
            if (m.vcfg !== null) expect(lastCfg['video-config']).toBe(m.vcfg);
            if (m.acfg !== null) expect(lastCfg['audio-config']).toBe(m.acfg);
            prev = m;
          }
          // Each viewer's socket holds at most dropBytes beyond its join burst (header + init + a GOP).
          expect(sink.maxBufferedAtWrite).toBeLessThanOrEqual(OPTS.dropBytes + 13 + 3 * maxInit + OPTS.maxGopBytes);
          // In-time viewers (socket always empty) start by the first keyframe after joining and miss nothing after.
          if (e.fast) {
            expect(sink.closed).not.toContain('slow');
            for (let i = 1; i < got.length; i++) expect(got[i]).toBe(got[i - 1]! + 1);
            if (e.firstKeyframeAfterJoin !== null) expect(got[0]).toBeLessThanOrEqual(e.firstKeyframeAfterJoin);
            if (got.length > 0 && e.pushed.length > 0) expect(got.at(-1)).toBe(e.pushed.at(-1));
          }
        }
        expect(relay.stats().bytesOut).toBe(totalOut);
      }),
      { numRuns: 300 },
    );
  });
});
