import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    // Real processes on the real Temporal dev server: in `npm run test:real-temporal`.
    exclude: ['test/durability/**', '**/node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    // The JSON report feeds the closing line of `npm test` (scripts/test-summary.ts).
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest-emulator.json' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
