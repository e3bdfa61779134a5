/**
 * PostgreSQL text cannot hold U+0000: a NUL anywhere in an id, a query value or a body string made
 * the database throw and the API answer 500 (found by test/api/fuzz-api.test.ts). No field of this
 * API needs one, so it is refused up front on both engines alike, naming where it was.
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../app/api-error.js';

export function refuseNulCharacters(app: FastifyInstance) {
  app.addHook('preValidation', async (request) => {
    const where = findNul(request.params, 'params') ?? findNul(request.query, 'query') ?? findNul(request.body, 'body');
    if (where) throw badRequest(where, 'contains a NUL character (\\u0000), which no field accepts');
  });
}

function findNul(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (!value || typeof value !== 'object' || depth > 64) return null;
  for (const [k, v] of Object.entries(value)) {
    if (k.includes('\u0000')) return `${path}.${k.replaceAll('\u0000', '\\u0000')}`;
    const hit = findNul(v, `${path}.${k}`, depth + 1);
    if (hit) return hit;
  }
  return null;
}
