import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../config/config.js';
import type { ShippingAddress } from './core/address-mask.js';

/**
 * Shipping addresses at rest: AES-256-GCM (node:crypto), a fresh 12-byte IV per value, the
 * order id as associated data (a ciphertext copied onto another order does not decrypt).
 * Stored as "v1:" + base64(iv | tag | ciphertext).
 */
export class AddressCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new RangeError('the data key must be 32 bytes');
  }

  encrypt(orderId: string, address: ShippingAddress): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(orderId, 'utf8'));
    const ct = Buffer.concat([c.update(JSON.stringify(address), 'utf8'), c.final()]);
    return `v1:${Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64')}`;
  }

  decrypt(orderId: string, stored: string): ShippingAddress {
    if (!stored.startsWith('v1:')) throw new Error('unknown address cipher version');
    const raw = Buffer.from(stored.slice(3), 'base64');
    const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    d.setAAD(Buffer.from(orderId, 'utf8'));
    d.setAuthTag(raw.subarray(12, 28));
    const pt = Buffer.concat([d.update(raw.subarray(28)), d.final()]);
    return JSON.parse(pt.toString('utf8')) as ShippingAddress;
  }
}

/**
 * The key for personal data: ONAIR_DATA_KEY when set. On the embedded default (no
 * DATABASE_URL) without it, a random key is created once in <dataDir>/data.key (mode 0600)
 * and reused; never in the database, never a built-in default. With DATABASE_URL every node
 * needs the same key, so starting without one is a configuration error.
 */
export function resolveDataKey(config: { dataKey?: string | undefined; databaseUrl?: string | undefined; dataDir: string }): Buffer {
  if (config.dataKey) return Buffer.from(config.dataKey, 'base64');
  if (config.databaseUrl) {
    throw new ConfigError([
      {
        setting: 'ONAIR_DATA_KEY',
        value: '(unset)',
        expected: 'a key (openssl rand -base64 32) when DATABASE_URL is set: shipping addresses are encrypted with it and every node needs the same one',
      },
    ]);
  }
  const file = join(config.dataDir, 'data.key');
  try {
    return decodeKeyFile(readFileSync(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(config.dataDir, { recursive: true });
  try {
    // 'wx': if another process created it meanwhile, use theirs.
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return decodeKeyFile(readFileSync(file, 'utf8'), file);
}

function decodeKeyFile(text: string, file: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key; restore it from your backup (without it, stored addresses cannot be read)`);
  return key;
}
