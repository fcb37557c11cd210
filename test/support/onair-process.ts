import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { chromiumPath } from './capabilities.js';

/**
 * The real `onair start --demo` process for browser tests: spawned from source (through tsx) in a
 * fresh temporary data folder, with every ONAIR_* / DATABASE_URL / REDIS_URL variable of the
 * caller removed so the test machine's settings cannot leak in, and serving the built web app.
 */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cliPath = join(repoRoot, 'src/server/cli/onair.ts');
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const webDir = join(repoRoot, 'dist/web');
const webIndex = join(webDir, 'index.html');

/** The demo owner's e-mail, as `onair start --demo` prints it. */
export const DEMO_OWNER = 'owner@onair.local';

export interface OnairProcess {
  /** `http://localhost:<port>`, as printed by "Onair is running at". */
  origin: string;
  /** The one-time owner password printed on first start. */
  ownerPassword: string;
  /** Everything the process printed on stdout so far. */
  readonly output: string;
  dataDir: string;
  /** SIGTERM, then SIGKILL after 5 s; removes the data folder. */
  stop(): Promise<void>;
}

export interface StartOnairOptions {
  /** Extra environment variables for the process (after the ONAIR_* clean-up). */
  env?: Record<string, string>;
  /** Prefix of the temporary data folder's name. */
  dataDirPrefix?: string;
  /** How long to wait for the sign-in details; 60 s unless told. */
  timeoutMs?: number;
}

export async function startOnair(opts: StartOnairOptions = {}): Promise<OnairProcess> {
  if (!existsSync(webIndex)) {
    throw new Error(`${webIndex} is missing: the browser test needs the built web app. Run \`npm run build:web\` (\`npm test\` does it first).`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), opts.dataDirPrefix ?? 'onair-browser-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('ONAIR_') && k !== 'DATABASE_URL' && k !== 'REDIS_URL') env[k] = v;
  }
  const child = spawn(process.execPath, ['--import', tsxLoader, cliPath, 'start', '--demo', '--port', '0'], {
    cwd: dataDir,
    // ONAIR_WEB_DIR: run from source, the server's default web folder resolves to src/web (the
    // Vite source root, whose index.html loads ./main.tsx), not the build in dist/web.
    env: { ...env, ONAIR_DATA_DIR: dataDir, ONAIR_LOG_LEVEL: 'warn', ONAIR_WEB_DIR: webDir, ONAIR_RTMP_PORT: '0', ...opts.env },
  });
  let output = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (output += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((res) => child.once('exit', () => res()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const timeoutMs = opts.timeoutMs ?? 60_000;
  try {
    await new Promise<void>((resolve, reject) => {
      const finish = (err?: Error) => {
        clearInterval(poll);
        clearTimeout(deadline);
        child.off('exit', onExit);
        if (err) reject(err);
        else resolve();
      };
      const onExit = (code: number | null) => finish(new Error(`onair start exited with ${String(code)}\n${output}\n${stderr}`));
      const deadline = setTimeout(
        () => finish(new Error(`onair start printed no sign-in details in ${timeoutMs / 1000} s\n${output}\n${stderr}`)),
        timeoutMs,
      );
      const poll = setInterval(() => {
        if (/^\s*password:\s+\S+\s*$/m.test(output) && /Onair is running at/.test(output)) finish();
      }, 50);
      child.once('exit', onExit);
    });
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    origin: /Onair is running at (http:\/\/\S+)/.exec(output)?.[1] ?? '',
    ownerPassword: /^\s*password:\s+(\S+)\s*$/m.exec(output)?.[1] ?? '',
    get output() {
      return output;
    },
    dataDir,
    stop,
  };
}

/** Headless Chromium from `CHROMIUM_PATH` with the flags every browser test uses. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A signed-in console API: `api(method, path, body?)` sends the cookie and CSRF token and returns the parsed JSON (throws on a non-2xx). */
export type ConsoleApi = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/** Signs the owner in (throws unless 200) and returns a console API client with its cookie. */
export async function ownerApi(origin: string, password: string): Promise<{ api: ConsoleApi; cookie: string }> {
  const { signin, cookie } = await signInOwnerApi(origin, DEMO_OWNER, password);
  if (signin.status !== 200) throw new Error(`owner sign-in -> ${signin.status}: ${await signin.text()}`);
  const { csrfToken } = (await signin.json()) as { csrfToken: string };
  const api: ConsoleApi = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${origin}${path}`, { method, headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  return { api, cookie };
}

/** Signs the owner in through the console API; `cookie` is the session cookie to send back. */
export async function signInOwnerApi(origin: string, email: string, password: string): Promise<{ signin: Response; cookie: string }> {
  const signin = await fetch(`${origin}/api/console/auth/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const cookie = (signin.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { signin, cookie };
}

export interface OnairBrowser {
  /** The running `onair start --demo` (available from the describe block's first beforeAll on). */
  readonly onair: OnairProcess;
  readonly browser: Browser;
  /** A page in a fresh en-US context (closed after the block), with a 15 s default timeout. */
  newPage(viewport?: { width?: number; height?: number }): Promise<Page>;
}

/**
 * For a describe block (call it inside the block, before its own hooks): starts Onair and
 * Chromium before the block's tests and closes every page context, the browser and the process
 * after them.
 */
export function useOnairBrowser(opts: StartOnairOptions = {}): OnairBrowser {
  let onair: OnairProcess | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    onair = await startOnair(opts);
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await onair?.stop();
  }, 30_000);
  return {
    get onair() {
      if (!onair) throw new Error('Onair is not started yet (use it from a hook or test)');
      return onair;
    },
    get browser() {
      if (!browser) throw new Error('Chromium is not launched yet (use it from a hook or test)');
      return browser;
    },
    async newPage({ width = 1280, height = 800 } = {}) {
      if (!browser) throw new Error('Chromium is not launched yet (use it from a hook or test)');
      const context = await browser.newContext({ viewport: { width, height }, locale: 'en-US' });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return page;
    },
  };
}

/** Fills the console's sign-in form and submits it. */
export async function signInForm(page: Page, email: string, password: string): Promise<void> {
  await page.getByTestId('signin-email').fill(email);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-submit').click();
}
