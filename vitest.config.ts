import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: argon2 and Chromium are CPU-heavy, so keep workers modest.
    maxWorkers: 2,
    reporters: ['default', './test/support/summary.reporter.ts'],
  },
});
