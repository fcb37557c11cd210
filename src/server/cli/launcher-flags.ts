import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The node flags the `onair` launcher runs with: those of its shebang line
 * (`#!/usr/bin/env -S node <flags>`). Whatever starts the server another way (`npm start`, the
 * benches spawning it from source) uses these, so every server runs as the installed command does.
 */
export function launcherNodeFlags(): string[] {
  const self = fileURLToPath(import.meta.url);
  const cli = self.replace(/launcher-flags\.(ts|js)$/, (_m, ext: string) => `onair.${ext}`);
  return shebangNodeFlags(readFileSync(cli, 'utf8').split('\n', 1)[0] ?? '');
}

/** `#!/usr/bin/env -S node --a --b` -> ['--a', '--b']; a plain `#!/usr/bin/env node` -> []. */
export function shebangNodeFlags(line: string): string[] {
  const m = /^#!\/usr\/bin\/env\s+(?:-S\s+)?node((?:\s+--[\w-]+(?:=\S+)?)*)\s*$/.exec(line);
  if (!m) throw new Error(`not a node shebang: ${line}`);
  return m[1]!.trim().split(/\s+/).filter(Boolean);
}
