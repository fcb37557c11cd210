import { describe, expect, it } from 'vitest';
import { runSimulate, type SimulateOptions } from './simulate.js';

/** The runner's checks before it touches a server (the run itself: test/e2e/simulate.e2e.test.ts). */
function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { print: (l: string) => out.push(l), progress: (l: string) => err.push(l), env: {} } };
}
const base: SimulateOptions = { url: 'http://localhost:3000', session: 'abc', viewers: 20, minutes: 1, speed: 1, seed: 1 };

describe('runSimulate before the run', () => {
  it('--dry-run prints the plan as JSON, the same for the same seed, with no server and no sign-in', async () => {
    const a = capture();
    expect(await runSimulate({ ...base, url: 'not a url', dryRun: true }, a.io)).toBe(0);
    const plan = JSON.parse(a.out.join('\n')) as { plan: { viewers: number; realSeconds: number }; viewers: unknown[] };
    expect(plan.plan.viewers).toBe(20);
    expect(plan.plan.realSeconds).toBe(60);
    expect(plan.viewers).toHaveLength(20);
    const b = capture();
    await runSimulate({ ...base, dryRun: true, speed: 1 }, b.io);
    expect(b.out).toEqual(a.out);
  });

  it('names every bad option and exits 2', async () => {
    const c = capture();
    expect(await runSimulate({ ...base, url: 'ftp://x', session: 'a b', viewers: 0, minutes: 0, speed: 0, seed: -1, label: 'has-dash', buyShare: 3 }, c.io)).toBe(2);
    const text = c.err.join('\n');
    for (const flag of ['--viewers', '--minutes', '--seed', '--buy-share', '--speed', '--url', '--session', '--label']) expect(text).toContain(flag);
  });

  it('asks for a team sign-in without echoing anything secret', async () => {
    const c = capture();
    expect(await runSimulate({ ...base, email: 'owner@onair.local' }, c.io)).toBe(2);
    expect(c.err.join('\n')).toContain('ONAIR_SIM_PASSWORD');
  });
});
