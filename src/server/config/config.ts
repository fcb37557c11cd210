import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { settings, type AppConfig, type SettingName, type SettingSpec } from './config.schema.js';

export type { AppConfig } from './config.schema.js';
export { settings } from './config.schema.js';

export interface ConfigProblem {
  setting: string;
  value: string;
  expected: string;
}

export class ConfigError extends Error {
  constructor(public readonly problems: ConfigProblem[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p.setting} = ${p.value}: ${p.expected}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Path of onair.config.json; default: $ONAIR_CONFIG or ./onair.config.json when present. */
  file?: string;
  /** Values that win over file and environment (used by tests and CLI flags). */
  overrides?: Partial<Record<SettingName, string | number | boolean>>;
}

function readFileLayer(path: string | undefined, problems: ConfigProblem[]): Record<string, unknown> {
  if (!path || !existsSync(path)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      problems.push({ setting: path, value: '(file)', expected: 'a JSON object of settings' });
      return {};
    }
    const known = new Set(Object.values(settings).map((s) => s.key));
    for (const k of Object.keys(parsed)) {
      if (!known.has(k)) problems.push({ setting: `${path}: ${k}`, value: '(key)', expected: `a known setting key (${[...known].join(', ')})` });
    }
    return parsed as Record<string, unknown>;
  } catch (err) {
    problems.push({ setting: path, value: '(file)', expected: `valid JSON (${(err as Error).message})` });
    return {};
  }
}

/**
 * The one place that reads process.env. Validates every setting and reports all problems
 * at once, so an operator fixes the configuration in one pass.
 */
export function loadConfig(opts: LoadConfigOptions = {}): AppConfig {
  const env = opts.env ?? process.env;
  const problems: ConfigProblem[] = [];
  const file = opts.file ?? env.ONAIR_CONFIG ?? resolve('onair.config.json');
  if (opts.file === undefined && env.ONAIR_CONFIG && !existsSync(env.ONAIR_CONFIG)) {
    problems.push({ setting: 'ONAIR_CONFIG', value: env.ONAIR_CONFIG, expected: 'the path of an existing JSON file' });
  }
  const fileLayer = readFileLayer(file, problems);
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(settings) as [SettingName, SettingSpec][]) {
    const override = opts.overrides?.[name];
    const envValue = env[spec.env];
    let raw: unknown;
    let source = spec.env;
    if (override !== undefined) raw = override;
    else if (envValue !== undefined && envValue !== '') raw = envValue;
    else if (fileLayer[spec.key] !== undefined) {
      raw = fileLayer[spec.key];
      source = `${spec.key} (onair.config.json)`;
    } else raw = spec.default;
    const result = (spec.schema as z.ZodType).safeParse(raw);
    if (result.success) out[name] = result.data;
    else {
      problems.push({
        setting: source,
        value: spec.secret ? '(hidden)' : JSON.stringify(raw),
        expected: result.error.issues.map((i) => i.message).join('; '),
      });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as AppConfig;
}

export function configTableMarkdown(): string {
  const rows = Object.values(settings).map(
    (s: SettingSpec) => `| \`${s.env}\` | \`${s.key}\` | ${s.default === undefined ? '(unset)' : `\`${s.default}\``} | ${s.doc} |`,
  );
  return ['| variable | onair.config.json key | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
