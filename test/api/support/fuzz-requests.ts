/**
 * fast-check arbitraries for requests at one route of the OpenAPI document: path parameters,
 * query strings and bodies that are random, malformed, or almost right (known field names with
 * wrong values, real ids with junk next to them), with odd content types now and then.
 */
import fc from 'fast-check';

export interface Route {
  method: string;
  /** OpenAPI path, `{id}` placeholders. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodyFields: string[] | null;
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** What the request was built from, for failure reports. */
  describe: string;
}

/** OpenAPI document → routes (hidden routes are not in it). */
export function routesOf(doc: { paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }>; requestBody?: { content: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>> }): Route[] {
  const routes: Route[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = op.parameters ?? [];
      routes.push({
        method: method.toUpperCase(), path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        bodyFields: op.requestBody ? Object.keys(op.requestBody.content['application/json']?.schema?.properties ?? {}) : null,
      });
    }
  }
  return routes;
}

const oddStrings = fc.constantFrom(
  '', ' ', '0', '-1', '1e309', 'NaN', 'null', 'undefined', 'true', '[]', '{}', '..', '../..', '%', '%zz', '%00', '\u0000', '\u202e',
  'a'.repeat(201), 'x'.repeat(5000), 'Ünïcödé', 'e\u0301', '😀', "'; DROP TABLE users; --", '<script>alert(1)</script>', '${7*7}', '__proto__', 'constructor',
);
const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 30 }), oddStrings);
const anyJson = fc.jsonValue({ maxDepth: 3 });
const proto = fc.constantFrom({ __proto__: { admin: true } }, JSON.parse('{"__proto__":{"polluted":1}}') as unknown, { constructor: { prototype: { x: 1 } } });

/** Percent-encodes every byte of the UTF-8 form (lone surrogates become U+FFFD, as a browser would send). */
const encodeAll = (s: string) => Array.from(Buffer.from(s, 'utf8')).map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

export function requestArbitrary(route: Route, pools: { ids: Record<string, string[]>; values: unknown[] }): fc.Arbitrary<FuzzRequest> {
  const idFor = (name: string) => {
    const real = pools.ids[name] ?? [];
    const choices: Array<fc.Arbitrary<{ raw: boolean; value: string }>> = [
      text.map((value) => ({ raw: false, value })),
      oddStrings.map((value) => ({ raw: true, value })),
    ];
    if (real.length) {
      choices.push(fc.constantFrom(...real).map((value) => ({ raw: false, value })));
      choices.push(fc.tuple(fc.constantFrom(...real), text).map(([id, junk]) => ({ raw: false, value: id + junk })));
    }
    return fc.oneof(...choices);
  };
  const params = fc.tuple(...route.pathParams.map(idFor));

  const queryValue = fc.oneof(text, fc.integer().map(String), fc.double().map(String), fc.constantFrom(...pools.values.filter((v): v is string => typeof v === 'string')));
  const query = fc.oneof(
    fc.constant(''),
    fc.dictionary(fc.oneof(fc.constantFrom(...route.queryParams, 'limit', 'cursor'), text), fc.oneof(queryValue, fc.array(queryValue, { maxLength: 3 })), { maxKeys: 4 })
      .map((d) => {
        const q = new URLSearchParams();
        for (const [k, v] of Object.entries(d)) for (const x of Array.isArray(v) ? v : [v]) q.append(k, x);
        const s = q.toString();
        return s ? `?${s}` : '';
      }),
    fc.constantFrom('?limit=0', '?limit=501', '?limit=abc', '?limit=1.5', '?cursor=%E0%A4%A', '?cursor=WyJ4Il0', '?cursor=bm90IGpzb24', '?cursor=' + Buffer.from('[1,2]').toString('base64url'), '?&&=&', '?limit[]=1', '?limit=1&limit=2', '?status=paused', '?action=x,y'),
  );

  const field = fc.oneof(anyJson, text, fc.constantFrom(...pools.values), proto);
  const almostRight = fc.dictionary(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...(route.bodyFields?.length ? route.bodyFields : ['x'])) }, text), field, { maxKeys: 5 });
  const jsonBody = fc.oneof(
    { weight: 4, arbitrary: almostRight },
    { weight: 2, arbitrary: anyJson },
    { weight: 1, arbitrary: proto },
  ).map((b) => ({ contentType: 'application/json' as string | undefined, body: JSON.stringify(b) as string | undefined }));
  const rawBody = fc.oneof(
    fc.constantFrom('{"name":', '{', 'nul', '[1,2', '"\\ud800"', '{"a":1}{"b":2}', '\u0000', '{"__proto__":{"x":1}}', '{"name":"a","name":"b"}', ' ', '').map((body) => ({ contentType: 'application/json' as string | undefined, body: body as string | undefined })),
    fc.tuple(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=latin1', 'application/jsonx'), text)
      .map(([contentType, body]) => ({ contentType: contentType as string | undefined, body: body as string | undefined })),
    text.map((body) => ({ contentType: undefined, body: body as string | undefined })),
  );
  const noBody = fc.constant({ contentType: undefined as string | undefined, body: undefined as string | undefined });
  const canHaveBody = route.method !== 'GET' && route.method !== 'HEAD';
  const body = canHaveBody ? fc.oneof({ weight: 6, arbitrary: jsonBody }, { weight: 2, arbitrary: rawBody }, { weight: 1, arbitrary: noBody }) : noBody;

  return fc.tuple(params, query, body).map(([ps, q, b]): FuzzRequest => {
    let path = route.path;
    route.pathParams.forEach((name, i) => {
      const p = ps[i]!;
      path = path.replace(`{${name}}`, p.raw ? p.value : encodeAll(p.value));
    });
    return {
      method: route.method, url: path + q,
      headers: b.contentType ? { 'content-type': b.contentType } : ({} as Record<string, string>),
      body: b.body,
      describe: `${route.method} ${path}${q} ${b.contentType ?? '(no content-type)'} ${b.body === undefined ? '' : b.body.slice(0, 300)}`,
    };
  });
}
