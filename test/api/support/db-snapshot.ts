/**
 * A hash of every row of every table (rows sorted, so order of storage does not matter), for "a
 * rejected request changed nothing" checks. `api_tokens.last_used_at` is left out: authenticating
 * touches it by design, whatever the request then does.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../src/store/schema.js';

const VOLATILE: Record<string, string[]> = { api_tokens: ['last_used_at'] };

export async function tableNames(db: Kysely<Database>): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return tables.map((t) => t.name).filter((n) => !n.startsWith('kysely_')).sort();
}

export async function snapshotDatabase(db: Kysely<Database>, tables: string[]): Promise<Record<string, string>> {
  const hashes = await Promise.all(tables.map(async (table) => {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    const drop = VOLATILE[table] ?? [];
    const lines = rows.map((r) => JSON.stringify(Object.entries(r).filter(([k]) => !drop.includes(k)).sort(([a], [b]) => a.localeCompare(b)))).sort();
    return [table, `${rows.length}:${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)}`] as const;
  }));
  return Object.fromEntries(hashes);
}

/** Tables whose hash differs between two snapshots. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
}
