import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { messages } from '../support/i18n-messages.js';

type Tree = { [k: string]: string | Tree };
const load = (lang: 'en' | 'zh-CN') => messages(lang) as Tree;

function flatten(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [k2, v2] of flatten(v, key)) out.set(k2, v2);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

describe('UI translations', () => {
  const en = flatten(load('en'));
  const zh = flatten(load('zh-CN'));

  it('have the same keys in English and Simplified Chinese, none empty', () => {
    expect([...zh.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [k, v] of [...en, ...zh]) expect(v.trim(), k).not.toBe('');
  });

  it('really translate into Chinese (most values contain Han characters)', () => {
    const han = [...zh.values()].filter((v) => /\p{Script=Han}/u.test(v)).length;
    expect(han / zh.size).toBeGreaterThan(0.8);
  });

  it('define every literal key the web app uses', () => {
    const used = new Set<string>();
    for (const f of sourceFiles('src/web')) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\bt\(\s*['"]([\w.-]+)['"]/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(10);
    const missing = [...used].filter((k) => !en.has(k) && ![...en.keys()].some((e) => e.startsWith(`${k}_`)));
    expect(missing).toEqual([]);
  });
});
