import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/**
 * Numbered full-page screenshots for a browser test's describe block (call it inside the block).
 * They go to a temporary folder that is kept, and its path printed as "<label> screenshots: …",
 * when a test fails or ONAIR_TEST_KEEP_SCREENSHOTS=1; otherwise it is removed after the block.
 */
export function useScreenshots(label: string, dirPrefix = 'onair-shots-'): (page: Page, name: string) => Promise<void> {
  let shotsDir = '';
  let shot = 0;
  let keepShots = process.env.ONAIR_TEST_KEEP_SCREENSHOTS === '1';
  beforeAll(() => {
    shotsDir = mkdtempSync(join(tmpdir(), dirPrefix));
  });
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      keepShots = true;
    });
  });
  afterAll(() => {
    if (shotsDir && keepShots) process.stdout.write(`${label} screenshots: ${shotsDir}\n`);
    else if (shotsDir) rmSync(shotsDir, { recursive: true, force: true });
  });
  return async (page, name) => {
    await page.screenshot({ path: join(shotsDir, `${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
}
