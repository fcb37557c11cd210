import { inject } from 'vitest';
import { strict } from './capabilities.js';

/**
 * `describe.skipIf(!need('postgres'))`: true when the capability is present. In strict mode a
 * missing capability throws, so CI cannot pass by skipping.
 */
export function need(name: 'postgres' | 'redis' | 'chromium' | 'ffmpeg'): boolean {
  const cap = inject('capabilities').find((c) => c.name === name);
  if (cap?.ok) return true;
  if (strict) throw new Error(`ONAIR_TEST_STRICT=1 but ${name} is missing: ${cap?.detail ?? 'not probed'}`);
  return false;
}
