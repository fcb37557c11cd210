import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyticsTexts } from '../../src/contracts/analytics-texts.js';

/** The web app's translation bundles, read from src/web/i18n, for asserting on visible text. */
export type Messages = Record<string, unknown>;

const i18nDir = fileURLToPath(new URL('../../src/web/i18n/', import.meta.url));

/**
 * The whole bundle of a language, as the app builds it: `<lang>.json`, the shared `analytics` texts, plus every
 * `features/<feature>.<lang>.json` (each adds top-level sections; a section defined twice throws).
 */
export function messages(lang: 'en' | 'zh-CN'): Messages {
  const out = JSON.parse(readFileSync(join(i18nDir, `${lang}.json`), 'utf8')) as Messages;
  // The shared analytics words (metric names, hints, drivers, personas), merged as i18n.ts does.
  out.analytics = analyticsTexts[lang];
  const featureDir = join(i18nDir, 'features');
  for (const f of readdirSync(featureDir).filter((x) => x.endsWith(`.${lang}.json`)).sort()) {
    const part = JSON.parse(readFileSync(join(featureDir, f), 'utf8')) as Messages;
    for (const [k, v] of Object.entries(part)) {
      if (k in out) throw new Error(`i18n section ${k} of features/${f} is already defined`);
      out[k] = v;
    }
  }
  return out;
}

/**
 * The string at a dotted key; throws when there is none. With `vars`, `{{name}}` placeholders
 * are filled in (a missing one becomes empty), as the app's i18n does.
 */
export function msg(bundle: Messages, key: string, vars?: Record<string, string>): string {
  let v: unknown = bundle;
  for (const part of key.split('.')) v = (v as Messages | undefined)?.[part];
  if (typeof v !== 'string') throw new Error(`no translation ${key}`);
  if (!vars) return v;
  return v.replace(/\{\{(\w+)\}\}/g, (_, name: string) => vars[name] ?? '');
}
