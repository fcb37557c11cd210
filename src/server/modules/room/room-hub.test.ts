import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { serverMessageSchema, type ChatEvent, type ServerMessage } from '../../../contracts/realtime.contract.js';
import { MemoryBus } from '../../platform/bus/bus.memory.js';
import { RoomHub, type HubMember, type RoomInit } from './room-hub.js';
import { emptyRoomTools } from '../../../contracts/room-tools.reducer.js';

/** A stand-in socket that records what the hub writes, with a settable backlog. */
class FakeSocket {
  readyState = 1;
  bufferedAmount = 0;
  direct: ServerMessage[] = [];
  frames: Buffer[][] = [];
  private current: Buffer[] | null = null;
  _socket = {
    destroyed: false,
    writableLength: 0,
    cork: () => {
      this.current = [];
    },
    write: (b: Buffer) => {
      if (this.current) this.current.push(b);
      else this.frames.push([b]);
      return true;
    },
    uncork: () => {
      if (this.current) this.frames.push(this.current);
      this.current = null;
    },
  };
  send(s: string) {
    // Everything the hub sends must match the published protocol.
    this.direct.push(serverMessageSchema.parse(JSON.parse(s)));
  }
  close() {
    this.readyState = 3;
  }
  terminate() {
    this.readyState = 3;
  }
  ping() {}
  /** Batches received, decoded from the raw frames (header + payload). */
  batches(): { seq: number; ev: { t: string; text?: string; n?: number; total?: number }[] }[] {
    return this.frames.map((f) => {
      // Unframe: an unmasked text frame's header is 2 bytes, +2 or +8 for longer payloads.
      const buf = Buffer.concat(f);
      const len7 = buf[1]! & 0x7f;
      const offset = len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
      const msg = serverMessageSchema.parse(JSON.parse(buf.subarray(offset).toString()));
      if (msg.t !== 'batch') throw new Error(`expected a batch, got ${msg.t}`);
      return msg as unknown as { seq: number; ev: [] };
    });
  }
}

const init = (sessionId: string): RoomInit => ({
  snapshot: { sessionId, status: 'live', likes: 0, pcu: 0, uv: 0, pin: null, settings: { chatMode: 'everyone', slowModeSeconds: 0, holdForReview: false }, recent: [], tools: emptyRoomTools() },
});

function setup(danmakuRate = 1000, slowBytes = 1024) {
  let now = 1_000_000;
  const bus = new MemoryBus();
  const hub = new RoomHub({
    bus,
    nodeId: 'n1',
    now: () => now,
    tickMs: 50,
    danmakuRate,
    slowBytes,
    resumeBatches: 10,
    loadRoom: async (id) => init(id),
    persistStats: async () => undefined,
    onError: (err) => {
      throw err;
    },
  });
  const join = async (key: string) => {
    const ws = new FakeSocket();
    const m: HubMember = { ws: ws as unknown as WebSocket, sessionId: 's1', principalKey: key, audience: !key.startsWith('team:'), missed: 0, alive: true };
    await hub.join(m, { kind: 'viewer', id: key, name: key, canChat: true, canModerate: false }, undefined);
    return { ws, m };
  };
  const chat = (id: string, text: string, tier = 2): ChatEvent & { tier: number } => ({ t: 'chat', id, uid: id, name: id, role: tier === 0 ? 'host' : 'viewer', lvl: 0, text, n: 1, at: now, tier });
  const flush = () => new Promise((r) => setTimeout(r, 0));
  const tick = async (ms = 50) => {
    await flush();
    now += ms;
    hub.tick();
  };
  return { hub, join, chat, tick, flush };
}

describe('RoomHub', () => {
  it('sends one batch per tick, framed once: every member gets the very same buffers', async () => {
    const { hub, join, chat, tick } = setup();
    const a = await join('viewer:a');
    const b = await join('viewer:b');
    await hub.publishChat('s1', chat('c1', 'hello'));
    await hub.publishChat('s1', chat('c2', 'world'));
    await tick();
    const fa = a.ws.frames.at(-1)!;
    const fb = b.ws.frames.at(-1)!;
    expect(fa).toHaveLength(fb.length);
    fa.forEach((buf, i) => expect(buf).toBe(fb[i])); // identity, not equality: no per-member copy
    const batch = a.ws.batches().at(-1)!;
    expect(batch.ev.filter((e) => e.t === 'chat').map((e) => e.text)).toEqual(['hello', 'world']);
  });

  it('sums tool counter deltas (from any node) into totals, in the batch and in a late joiner\'s snapshot', async () => {
    const { hub, join, tick } = setup();
    const a = await join('viewer:a');
    const poll = { id: 'p1', question: 'q', kind: 'single' as const, options: ['x', 'y'], status: 'open' as const, closesAt: 9, tally: [0, 0], voters: 0 };
    await hub.publishEvent('s1', { t: 'poll', poll, now: 1 });
    await tick();
    // Two nodes each drained their own votes this tick.
    await hub.publishEvent('s1', { t: 'poll.tally', id: 'p1', delta: [2, 1], dv: 3 });
    await hub.publishEvent('s1', { t: 'poll.tally', id: 'p1', delta: [0, 4], dv: 4 });
    await tick();
    const tallies = a.ws.batches().flatMap((b) => b.ev).filter((e) => e.t === 'poll.tally');
    expect(tallies.at(-1)).toMatchObject({ tally: [2, 5], voters: 7 });
    const late = await join('viewer:late');
    const welcome = late.ws.direct.find((m) => m.t === 'welcome');
    expect(welcome?.t === 'welcome' && welcome.room.tools.polls[0]).toMatchObject({ id: 'p1', tally: [2, 5], voters: 7 });
    // The server's time comes with the snapshot, for its countdowns.
    expect(welcome?.t === 'welcome' && typeof welcome.now).toBe('number');
  });

  it('aggregates likes into one counter event per tick', async () => {
    const { hub, join, tick } = setup();
    const a = await join('viewer:a');
    for (let i = 0; i < 50; i++) hub.like('s1', 1);
    await tick();
    await tick();
    const likes = a.ws.batches().flatMap((b) => b.ev).filter((e) => e.t === 'likes');
    expect(likes).toEqual([{ t: 'likes', total: 50 }]);
  });

  it('applies the display budget and merges repeats, host first', async () => {
    const { hub, join, chat, tick } = setup(20);
    const a = await join('viewer:a');
    await tick(1000); // a full second of budget
    for (let i = 0; i < 48; i++) await hub.publishChat('s1', chat(`r${i}`, '666'));
    for (let i = 0; i < 100; i++) await hub.publishChat('s1', chat(`u${i}`, `comment ${i}`));
    await hub.publishChat('s1', chat('h1', 'Welcome everyone', 0));
    await tick(1000);
    const shown = a.ws.batches().flatMap((b) => b.ev).filter((e) => e.t === 'chat');
    expect(shown.length).toBeLessThanOrEqual(20);
    expect(shown.map((e) => e.text)).toContain('Welcome everyone');
    const merged = shown.find((e) => e.text === '666');
    if (merged) expect(merged.n).toBe(48);
  });

  it('gives team members every comment even when the audience sees a sample', async () => {
    const { hub, join, chat, tick } = setup(5);
    const viewer = await join('viewer:a');
    const moderator = await join('team:m');
    await tick(1000);
    for (let i = 0; i < 40; i++) await hub.publishChat('s1', chat(`u${i}`, `comment ${i}`));
    await tick(1000);
    const seen = (ws: FakeSocket) => ws.batches().flatMap((b) => b.ev).filter((e) => e.t === 'chat').length;
    expect(seen(viewer.ws)).toBeLessThanOrEqual(5);
    expect(seen(moderator.ws)).toBe(40);
  });

  it('holds a short backlog for a slow member, drops the oldest, then says how many it missed', async () => {
    const { hub, join, chat, tick } = setup(1000, 1024);
    const a = await join('viewer:a');
    const slow = await join('viewer:slow');
    slow.ws.bufferedAmount = 10_000;
    const before = slow.ws.frames.length;
    for (let i = 0; i < 20; i++) {
      await hub.publishChat('s1', chat(`c${i}`, `m${i}`));
      await tick();
    }
    expect(slow.ws.frames.length).toBe(before); // nothing written while over the bound
    slow.ws.bufferedAmount = 0;
    await new Promise((r) => setTimeout(r, 80));
    expect(slow.ws.direct.filter((m) => m.t === 'missed')).toEqual([{ t: 'missed', count: 4 }]);
    const got = slow.ws.batches().slice(before).flatMap((b) => b.ev).filter((e) => e.t === 'chat').map((e) => e.text);
    expect(got).toEqual(Array.from({ length: 16 }, (_, i) => `m${i + 4}`)); // the newest 16, in order
    expect(a.ws.batches().flatMap((b) => b.ev).filter((e) => e.t === 'chat')).toHaveLength(20);
  });

  it('counts presence by distinct audience principal', async () => {
    const { hub, join, tick } = setup();
    const a1 = await join('viewer:a');
    await join('viewer:a');
    await join('guest:g');
    await tick(1000);
    const presence = a1.ws.batches().flatMap((b) => b.ev).filter((e) => e.t === 'presence');
    expect(presence.at(-1)).toMatchObject({ online: 2, pcu: 2 });
    expect(hub.connections).toBe(3);
  });
});
