import type { CookieSerializeOptions } from '@fastify/cookie';

/** Session cookies: HTTP-only, SameSite=Lax, Secure when the public URL is https. */
export class CookiePolicy {
  constructor(private readonly secure: boolean) {}
  options(expiresAt: Date): CookieSerializeOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.secure, path: '/', expires: expiresAt };
  }
  clearOptions(): CookieSerializeOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.secure, path: '/' };
  }
}
