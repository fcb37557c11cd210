import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The web app's translation bundles, read from src/web/i18n, for asserting on visible text. */
export type Messages = Record<string, unknown>;

const i18nDir = fileURLToPath(new URL('../../src/web/i18n/', import.meta.url));

export const messages = (lang: 'en' | 'zh-CN'): Messages => JSON.parse(readFileSync(join(i18nDir, `${lang}.json`), 'utf8')) as Messages;

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
