import { describe, expect, it } from 'vitest';
import { Lane, LaneFull } from './lane.js';

describe('Lane', () => {
  it('runs at most `concurrency` jobs at once, in arrival order, each result to its caller', async () => {
    const lane = new Lane({ concurrency: 2 });
    let now = 0;
    let peak = 0;
    const started: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        lane.run(async () => {
          started.push(i);
          now++;
          peak = Math.max(peak, now);
          await new Promise((r) => setTimeout(r, 2));
          now--;
          return i * 10;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => i * 10));
    expect(peak).toBe(2);
    expect(started).toEqual([...started].sort((a, b) => a - b));
    expect(lane.queued).toBe(0);
  });

  it('lets light work run between heavy jobs (each job starts on a later turn of the event loop)', async () => {
    const lane = new Lane({ concurrency: 1 });
    const order: string[] = [];
    const heavy = Promise.all([1, 2, 3].map((i) => lane.run(async () => void order.push(`heavy${i}`))));
    const light = new Promise<void>((r) => setImmediate(() => (order.push('light'), r())));
    await Promise.all([heavy, light]);
    expect(order.indexOf('light')).toBeLessThan(order.indexOf('heavy3'));
  });

  it('a job that fails frees its slot; a full queue refuses at once', async () => {
    const lane = new Lane({ concurrency: 1, maxQueue: 1 });
    const blocker = lane.run(() => new Promise((r) => setTimeout(r, 20)));
    const queued = lane.run(async () => 'queued');
    await expect(lane.run(async () => 'third')).rejects.toBeInstanceOf(LaneFull);
    await blocker;
    expect(await queued).toBe('queued');
    await expect(lane.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lane.run(async () => 'after')).toBe('after');
  });

  it('a job steps aside while `defer` says so, for at most maxDeferTurns turns', async () => {
    let urgent = true;
    const lane = new Lane({ concurrency: 1, maxQueue: 10, defer: () => urgent, maxDeferTurns: 3 });
    const order: string[] = [];
    const job = lane.run(async () => void order.push('job'));
    setImmediate(() => {
      order.push('urgent work');
      urgent = false;
    });
    await job;
    expect(order).toEqual(['urgent work', 'job']);
    // Never starved: with `defer` stuck at true the job still runs after 3 turns.
    urgent = true;
    expect(await lane.run(async () => 'ran')).toBe('ran');
  });

  it('a job holds while `hold` says so (a peak of lighter work), then runs when it ends', async () => {
    let peak = true;
    const lane = new Lane({ concurrency: 1, hold: () => peak, maxHoldMs: 5_000, holdStepMs: 2 });
    const t0 = performance.now();
    let ranAt = 0;
    const job = lane.run(async () => void (ranAt = performance.now()));
    setTimeout(() => (peak = false), 40);
    await job;
    expect(ranAt - t0).toBeGreaterThanOrEqual(35);
    expect(ranAt - t0).toBeLessThan(4_000);
  });

  it('never holds a job past maxHoldMs from its arrival, time in the queue included', async () => {
    const lane = new Lane({ concurrency: 1, hold: () => true, maxHoldMs: 60, holdStepMs: 2 });
    const t0 = performance.now();
    const done: number[] = [];
    await Promise.all([0, 1, 2, 3].map(() => lane.run(async () => void done.push(performance.now() - t0))));
    // The first waits its 60 ms; the others arrived at the same time, so their holds are spent by then.
    expect(done[0]).toBeGreaterThanOrEqual(55);
    expect(done[3]! - done[0]!).toBeLessThan(50);
  });

  it('maxHoldMs 0: `hold` is never asked', async () => {
    let asked = 0;
    const lane = new Lane({ concurrency: 1, hold: () => (asked++, true) });
    expect(await lane.run(async () => 'ran')).toBe('ran');
    expect(asked).toBe(0);
    expect(() => new Lane({ concurrency: 0 })).toThrow(RangeError);
  });
});
