import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { launcherNodeFlags, shebangNodeFlags } from './launcher-flags.js';

describe('launcher node flags', () => {
  it('reads the flags of the shebang line', () => {
    expect(shebangNodeFlags('#!/usr/bin/env node')).toEqual([]);
    expect(shebangNodeFlags('#!/usr/bin/env -S node --max-semi-space-size=32 --x-y')).toEqual(['--max-semi-space-size=32', '--x-y']);
    expect(() => shebangNodeFlags('#!/bin/sh')).toThrow();
  });

  it("the onair launcher's flags are the young generation's, and npm start runs with the same", () => {
    const flags = launcherNodeFlags();
    expect(flags).toContain('--max-semi-space-size=32');
    const start = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
    expect(start).toBe(`node ${flags.join(' ')} dist/server/cli/onair.js start --demo`);
  });
});
