import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,server,main,preload,renderer,scripts,build}/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // A folder for the run's PostgreSQL, started only if a test needs it (server/testing/postgres.ts).
    globalSetup: ['server/testing/postgres-global-setup.ts'],
  },
});
