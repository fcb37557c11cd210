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
import { chromium, type Page } from 'playwright-core';

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
      const liveUrl = `${origin}/live/${encodeURIComponent(id ?? '')}`;

      // A live room worth looking at: a pinned note, two viewers chatting, likes, the team answering.
      const me = (await (await page.request.get(`${origin}/api/console/auth/me`)).json()) as { csrfToken: string };
      await page.request.put(`${origin}/api/console/sessions/${encodeURIComponent(id ?? '')}/room/pin`, {
        headers: { 'x-csrf-token': me.csrfToken },
        data: { text: '今晚 8 点开播：明前龙井买一送一 · Tonight 8 pm: buy one Longjing, get one free' },
      });
      const say = async (p: Page, text: string) => {
        await p.getByTestId('chat-input').fill(text);
        await p.getByTestId('chat-send').click();
        await p.getByTestId('chat-list').getByTestId('chat-item').filter({ hasText: text }).first().waitFor();
        // The default chat rate is one comment a second per viewer.
        await p.waitForTimeout(1100);
      };
      const viewers: Page[] = [];
      for (const nickname of ['小美 Mei', 'tea_lover']) {
        const vctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'Asia/Shanghai' });
        const vp = await vctx.newPage();
        await vp.goto(liveUrl);
        await vp.locator('[data-testid="viewer-mode"][data-mode="guest"]').waitFor();
        await vp.getByTestId('viewer-tab-signup').click();
        await vp.getByTestId('viewer-nickname').fill(nickname);
        await vp.getByTestId('viewer-password').fill('review-pass-1');
        await vp.getByTestId('viewer-signup-submit').click();
        await vp.locator('[data-testid="chat-input"]:enabled').waitFor();
        viewers.push(vp);
      }
      const [mei, fan] = viewers as [Page, Page];
      await say(mei, '主播好！等开播好久了 🍵');
      await say(fan, 'Is the 250 g gift box still in stock?');
      await say(mei, '这款龙井是今年的明前茶吗？');
      await say(fan, '666');
      await say(mei, 'Can you ship to Chengdu before the weekend?');
      for (let i = 0; i < 12; i++) await fan.getByTestId('like-button').click();
      const control = await context.newPage();
      await control.goto(`${origin}/console/sessions/${encodeURIComponent(id ?? '')}/live`);
      await control.locator('[data-testid="team-chat-input"]:enabled').waitFor();
      await control.getByTestId('team-chat-input').fill('欢迎大家！Welcome, the tasting starts at 8 pm.');
      await control.getByTestId('team-chat-send').click();
      await control.getByTestId('console-chat-item').filter({ hasText: 'Welcome, the tasting' }).waitFor();
      await control.close();
      const meiCookies = await mei.context().cookies();

      let n = 0;
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
          await p.goto(`${origin}/console/sessions/${encodeURIComponent(id ?? '')}/live`);
          await p.getByTestId('room-connected').waitFor();
          await p.getByTestId('console-chat-item').first().waitFor();
          await p.screenshot({ path: join(reviewDir, `live-control-${lang}-${width}.png`), fullPage: true });
          await p.goto(liveUrl);
          await p.waitForLoadState('networkidle');
          await p.screenshot({ path: join(reviewDir, `live-${lang}-${width}.png`), fullPage: true });
          await ctx.close();

          // The same room as a signed-in viewer, with comments flying over the video.
          const vctx = await browser.newContext({ viewport: { width, height: width === 375 ? 812 : 800 }, locale: lang, timezoneId: 'Asia/Shanghai' });
          await vctx.addInitScript({ content: `localStorage.setItem('onair.lang', ${JSON.stringify(lang)});` });
          await vctx.addCookies(meiCookies);
          const vp = await vctx.newPage();
          await vp.goto(liveUrl);
          await vp.locator('[data-testid="chat-input"]:enabled').waitFor();
          await say(fan, `${++n}: 这个价格太划算了`);
          await say(fan, `${n}: Adding two tins to my cart`);
          await vp.getByTestId('danmaku-item').first().waitFor();
          await vp.waitForTimeout(800);
          await vp.screenshot({ path: join(reviewDir, `live-viewer-${lang}-${width}.png`) });
          await vp.screenshot({ path: join(reviewDir, `live-viewer-full-${lang}-${width}.png`), fullPage: true });
          await vctx.close();
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
