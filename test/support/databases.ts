/**
 * The databases every integration suite runs on: SQLite and PostgreSQL, each test file on a fresh
 * database of its own. TEST_DATABASES=sqlite narrows a local run; CI runs both, never skipping.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { randomBytes } from 'node:crypto';

export type Engine = 'sqlite' | 'postgres';

export const ENGINES: Engine[] = (process.env.TEST_DATABASES?.split(',').map((s) => s.trim()) ?? ['sqlite', 'postgres'])
  .filter((e): e is Engine => e === 'sqlite' || e === 'postgres');

if (process.env.CI && ENGINES.length < 2) throw new Error('CI must run the suite on SQLite and PostgreSQL; unset TEST_DATABASES.');

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  engine: Engine;
  databaseUrl: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `aiq-test-${engine}-`));
  if (engine === 'sqlite') {
    return { engine, databaseUrl: undefined, dataDir, drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `aiq_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    engine, databaseUrl: url.toString(), dataDir,
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
