import { AppError } from '../errors.js';
import type { ThrottleStore } from '../throttle/throttle.port.js';

export interface SigninThrottleOptions {
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  lockMs: number;
}

/**
 * Sign-in throttling per account and per IP. After too many failures in the window the
 * account (or address) is locked for lockMs, and every attempt, even with the right
 * password, gets a 429 that says how long to wait.
 */
export class SigninThrottle {
  constructor(
    private readonly store: ThrottleStore,
    private readonly opts: SigninThrottleOptions,
    private readonly scope: string,
  ) {}

  private keys(account: string, ip: string | null) {
    return { acc: `${this.scope}:acc:${account}`, ip: ip ? `${this.scope}:ip:${ip}` : null };
  }

  async assertAllowed(account: string, ip: string | null): Promise<void> {
    const k = this.keys(account, ip);
    const [a, i] = await Promise.all([this.store.lockedFor(k.acc), k.ip ? this.store.lockedFor(k.ip) : Promise.resolve(0)]);
    const ms = Math.max(a, i);
    if (ms > 0) {
      const retryAfterSeconds = Math.ceil(ms / 1000);
      const minutes = Math.ceil(retryAfterSeconds / 60);
      throw new AppError(
        'rate_limited',
        a > 0
          ? `Too many failed sign-ins for this account. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`
          : `Too many failed sign-ins from your network. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
        { code: 'SIGNIN_LOCKED', retryAfterSeconds },
      );
    }
  }

  async recordFailure(account: string, ip: string | null): Promise<void> {
    const k = this.keys(account, ip);
    const n = await this.store.addFailure(k.acc, this.opts.lockMs);
    if (n >= this.opts.maxFailuresPerAccount) await this.store.lock(k.acc, this.opts.lockMs);
    if (k.ip) {
      const m = await this.store.addFailure(k.ip, this.opts.lockMs);
      if (m >= this.opts.maxFailuresPerIp) await this.store.lock(k.ip, this.opts.lockMs);
    }
  }

  async recordSuccess(account: string): Promise<void> {
    await this.store.clear(this.keys(account, null).acc);
  }
}
