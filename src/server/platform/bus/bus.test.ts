import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testRedisUrl } from '../../../../test/support/capabilities.js';
import { need } from '../../../../test/support/need.js';
import { MemoryBus } from './bus.memory.js';
import type { Bus } from './bus.port.js';
import { RedisBus } from './bus.redis.js';

function contract(name: string, make: () => Bus, enabled = true) {
  describe.skipIf(!enabled)(`Bus: ${name}`, () => {
    it('delivers to every subscriber of a topic, in order, and stops after unsubscribe', async () => {
      const a = make();
      const b = make();
      const topic = `t-${randomBytes(4).toString('hex')}`;
      const gotA: string[] = [];
      const gotB: string[] = [];
      const offA = await a.subscribe(topic, (m) => gotA.push(m));
      await b.subscribe(topic, (m) => gotB.push(m));
      await b.subscribe(`${topic}-other`, () => gotB.push('wrong topic'));
      for (let i = 0; i < 20; i++) await a.publish(topic, `m${i}`);
      await expect.poll(() => gotB.length + gotA.length, { timeout: 3000 }).toBeGreaterThanOrEqual(a === b ? 40 : 20);
      await offA();
      await a.publish(topic, 'after');
      await expect.poll(() => gotB.at(-1), { timeout: 3000 }).toBe('after');
      expect(gotB.filter((m) => m.startsWith('m'))).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
      expect(gotB).not.toContain('wrong topic');
      expect(gotA).not.toContain('after');
      await a.close();
      if (b !== a) await b.close();
    });
  });
}

const shared = new MemoryBus();
contract('memory', () => shared);
contract('redis (two connections, like two nodes)', () => new RedisBus(testRedisUrl, `onair-test:${process.pid}:`), need('redis'));
