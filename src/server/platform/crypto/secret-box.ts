import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets and personal data at rest: AES-256-GCM (node:crypto) under the data key, a fresh 12-byte
 * IV per value, and associated data naming what the value belongs to (an order id, a session id),
 * so a ciphertext copied onto another row does not decrypt. Stored as "v1:" + base64(iv | tag | ct).
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new RangeError('the data key must be 32 bytes');
  }

  seal(aad: string, plaintext: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
    return `v1:${Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64')}`;
  }

  /** Throws when the value was not sealed under this key for this `aad`, or was changed. */
  open(aad: string, stored: string): string {
    if (!stored.startsWith('v1:')) throw new Error('unknown cipher version');
    const raw = Buffer.from(stored.slice(3), 'base64');
    const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
  }
}
