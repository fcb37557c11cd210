import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../config/config.js';
import { SecretBox } from '../../platform/crypto/secret-box.js';
import type { ShippingAddress } from './core/address-mask.js';

/** Shipping addresses at rest, sealed with the order id as associated data (platform/crypto/secret-box.ts). */
export class AddressCipher {
  private readonly box: SecretBox;
  constructor(key: Buffer) {
    this.box = new SecretBox(key);
  }

  encrypt(orderId: string, address: ShippingAddress): string {
    return this.box.seal(orderId, JSON.stringify(address));
  }

  decrypt(orderId: string, stored: string): ShippingAddress {
    return JSON.parse(this.box.open(orderId, stored)) as ShippingAddress;
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
