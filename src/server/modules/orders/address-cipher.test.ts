import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AddressCipher, resolveDataKey } from './address-cipher.js';

const address = { name: '张三', phone: '13812345678', region: '广东省深圳市', street: '南山区科技园1号' };

describe('address cipher (AES-256-GCM)', () => {
  const key = Buffer.alloc(32, 7);
  it('round-trips, never shows the plain text, and binds the order id', () => {
    const c = new AddressCipher(key);
    const stored = c.encrypt('order-1', address);
    expect(stored).not.toContain('南山');
    expect(Buffer.from(stored.slice(3), 'base64').toString('utf8')).not.toContain('13812345678');
    expect(c.decrypt('order-1', stored)).toEqual(address);
    expect(() => c.decrypt('order-2', stored)).toThrow();
    expect(() => new AddressCipher(Buffer.alloc(32, 8)).decrypt('order-1', stored)).toThrow();
  });

  it('creates data.key once (mode 0600) without DATABASE_URL, and refuses to start with DATABASE_URL and no key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onair-key-'));
    const k1 = resolveDataKey({ dataDir: dir });
    const k2 = resolveDataKey({ dataDir: dir });
    expect(k1.equals(k2)).toBe(true);
    expect(k1.length).toBe(32);
    expect(statSync(join(dir, 'data.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'data.key'), 'utf8').trim()).toBe(k1.toString('base64'));
    expect(() => resolveDataKey({ dataDir: dir, databaseUrl: 'postgres://x' })).toThrow(/ONAIR_DATA_KEY/);
    const given = Buffer.alloc(32, 1).toString('base64');
    expect(resolveDataKey({ dataDir: dir, databaseUrl: 'postgres://x', dataKey: given }).toString('base64')).toBe(given);
  });
});
