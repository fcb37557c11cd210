import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, configTableMarkdown, loadConfig, settings } from './config.js';

const noFile = '/nonexistent/onair.config.json';

describe('config', () => {
  it('has working defaults with an empty environment and no default secrets', () => {
    const c = loadConfig({ env: {}, file: noFile });
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.secret).toBeUndefined();
    expect(c.adminPassword).toBeUndefined();
    expect(c.trustProxy).toBe(false);
  });

  it('reports every bad setting at once, with what is expected, hiding secrets', () => {
    let err: unknown;
    try {
      loadConfig({ env: { ONAIR_PORT: 'abc', ONAIR_LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://u:pw@x/db', ONAIR_ADMIN_PASSWORD: 'short' }, file: noFile });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems.map((p) => p.setting).sort()).toEqual(['DATABASE_URL', 'ONAIR_ADMIN_PASSWORD', 'ONAIR_LOG_LEVEL', 'ONAIR_PORT']);
    expect(problems.find((p) => p.setting === 'ONAIR_PORT')?.expected).toMatch(/integer/);
    expect(problems.find((p) => p.setting === 'DATABASE_URL')?.value).toBe('(hidden)');
    expect((err as Error).message).not.toContain('pw@x');
    expect((err as Error).message).not.toContain('short');
  });

  it('reads onair.config.json, lets the environment win, and rejects unknown keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onair-cfg-'));
    const file = join(dir, 'onair.config.json');
    writeFileSync(file, JSON.stringify({ port: 4000, host: '0.0.0.0' }));
    const c = loadConfig({ env: { ONAIR_HOST: '127.0.0.2' }, file });
    expect(c.port).toBe(4000);
    expect(c.host).toBe('127.0.0.2');
    writeFileSync(file, JSON.stringify({ prot: 4000 }));
    expect(() => loadConfig({ env: {}, file })).toThrow(/prot/);
    writeFileSync(file, '{ nope');
    expect(() => loadConfig({ env: {}, file })).toThrow(/valid JSON/);
  });

  it('documents every setting in the generated table', () => {
    const table = configTableMarkdown();
    for (const s of Object.values(settings)) expect(table).toContain(`\`${s.env}\``);
  });
});
