import { mkdirSync, writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';
import { probeAll, strict } from './capabilities.js';

/**
 * Ends every run with what was skipped and why, then one plain line
 * `N passed, N failed, N skipped` that CI reads.
 */
export default class SummaryReporter implements Reporter {
  private caps = probeAll();

  async onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): Promise<void> {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of testModules) {
      let failedHere = 0;
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failedHere++;
        else skipped++;
      }
      // A file or hook that failed outright (its tests never ran) still counts as a failure.
      if (m.state() === 'failed' && failedHere === 0) failedHere = 1;
      failed += failedHere;
    }
    failed += unhandledErrors.length;
    const missing = (await this.caps).filter((c) => !c.ok);
    const out: string[] = [''];
    if (missing.length) {
      out.push(strict ? 'Missing capabilities (strict mode: their tests fail):' : 'Skipped for missing capabilities:');
      for (const c of missing) out.push(`  - ${c.name}: ${c.detail}`);
    } else out.push('All capabilities present: PostgreSQL, Redis, Chromium, ffmpeg.');
    out.push(`${passed} passed, ${failed} failed, ${skipped} skipped`);
    // Same field names as Vitest's JSON reporter, for .ci/run.
    mkdirSync('.test-results', { recursive: true });
    writeFileSync(
      '.test-results/results.json',
      JSON.stringify({ numPassedTests: passed, numFailedTests: failed, numPendingTests: skipped, numTotalTests: passed + failed + skipped, missingCapabilities: missing }, null, 2),
    );
    process.stdout.write(`${out.join('\n')}\n`);
  }
}
