import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // 2-core CI machines: a few workers, no timing assertions in tests.
    maxWorkers: 2,
    unstubEnvs: true,
  },
});
