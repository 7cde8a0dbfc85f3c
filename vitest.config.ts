import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,server,main,preload,renderer,scripts,build}/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
