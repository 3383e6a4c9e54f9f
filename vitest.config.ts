import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    // vitest's default on a 2-core machine is one worker; most suites wait on sockets, QEMU or Chromium,
    // so two overlap them (the whole run took ~9.5 min with one)
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
