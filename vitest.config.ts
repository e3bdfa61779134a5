import { defineConfig } from 'vitest/config';

// Integration tests start real servers (emulators, the API) and real databases; give them time,
// and run files in a few forks so SQLite and PostgreSQL suites do not starve the 2-core machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'emulators/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
