/**
 * Takes the README screenshots from a real demo instance:
 *   npm run build:web && npx tsx scripts/screenshot.ts
 * Starts `onair start --demo` on a fresh temp data folder, signs in with the printed one-time
 * password and writes 1280×800 PNGs into docs/screenshots/.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const webDir = join(repoRoot, 'dist/web');
const outDir = join(repoRoot, 'docs/screenshots');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!existsSync(join(webDir, 'index.html'))) {
  process.stderr.write('dist/web/index.html is missing: run `npm run build:web` first.\n');
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
const dataDir = mkdtempSync(join(tmpdir(), 'onair-readme-'));

const env: NodeJS.ProcessEnv = {};
for (const [k, v] of Object.entries(process.env)) {
  if (!k.startsWith('ONAIR_') && k !== 'DATABASE_URL' && k !== 'REDIS_URL') env[k] = v;
}
const server = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/server/cli/onair.ts'), 'start', '--demo', '--port', '0'], {
  cwd: repoRoot,
  env: { ...env, ONAIR_DATA_DIR: dataDir, ONAIR_LOG_LEVEL: 'warn', ONAIR_WEB_DIR: webDir },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let output = '';
server.stdout.setEncoding('utf8').on('data', (s: string) => (output += s));

try {
  const started = Date.now();
  while (!/^\s*password:\s+\S+\s*$/m.test(output)) {
    if (server.exitCode !== null) throw new Error(`onair start exited:\n${output}`);
    if (Date.now() - started > 60_000) throw new Error(`no sign-in details after 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const origin = /Onair is running at (http:\/\/\S+)/.exec(output)?.[1];
  const password = /^\s*password:\s+(\S+)\s*$/m.exec(output)?.[1];
  if (!origin || !password) throw new Error(`cannot read URL and password from:\n${output}`);

  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    // Asia/Shanghai: the demo session is at 20:00 Beijing time, as its seed intends.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    await page.goto(`${origin}/console`);
    await page.getByTestId('signin-email').fill('owner@onair.local');
    await page.getByTestId('signin-password').fill(password);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('session-row').first().waitFor();
    await page.screenshot({ path: join(outDir, 'console-sessions.png') });

    const id = await page.getByTestId('session-row').first().getAttribute('data-session-id');
    const guest = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'Asia/Shanghai' })).newPage();
    await guest.goto(`${origin}/live/${encodeURIComponent(id ?? '')}`);
    await guest.getByTestId('live-title').waitFor();
    await guest.locator('[data-testid="viewer-mode"][data-mode="guest"]').waitFor();
    await guest.screenshot({ path: join(outDir, 'live-guest.png') });
    process.stdout.write(`Wrote ${join(outDir, 'console-sessions.png')} and live-guest.png\n`);

    // REVIEW_DIR=/tmp/x: also every page in both languages, on a desktop and a phone width,
    // for a person to look at before calling a page done (not committed).
    const reviewDir = process.env.REVIEW_DIR;
    if (reviewDir) {
      mkdirSync(reviewDir, { recursive: true });
      const cookies = await context.cookies();
      for (const lang of ['en', 'zh-CN']) {
        for (const width of [1280, 375]) {
          const ctx = await browser.newContext({ viewport: { width, height: width === 375 ? 812 : 800 }, locale: lang, timezoneId: 'Asia/Shanghai' });
          await ctx.addInitScript({ content: `localStorage.setItem('onair.lang', ${JSON.stringify(lang)});` });
          const p = await ctx.newPage();
          await p.goto(`${origin}/console/signin`);
          await p.screenshot({ path: join(reviewDir, `signin-${lang}-${width}.png`) });
          await ctx.addCookies(cookies);
          for (const page of ['sessions', 'products', 'team', 'audit']) {
            await p.goto(`${origin}/console/${page}`);
            await p.waitForLoadState('networkidle');
            await p.screenshot({ path: join(reviewDir, `${page}-${lang}-${width}.png`), fullPage: true });
          }
          await p.goto(`${origin}/live/${encodeURIComponent(id ?? '')}`);
          await p.waitForLoadState('networkidle');
          await p.screenshot({ path: join(reviewDir, `live-${lang}-${width}.png`), fullPage: true });
          await ctx.close();
        }
      }
      process.stdout.write(`Wrote review screenshots to ${reviewDir}\n`);
    }
  } finally {
    await browser.close();
  }
} finally {
  if (server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
}
