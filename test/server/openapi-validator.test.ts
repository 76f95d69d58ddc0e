// The OpenAPI document as the server serves it, judged by a validator nobody here wrote
// (@apidevtools/swagger-parser: every $ref resolved, then the whole document against the OpenAPI
// 3.1 schema). For 3.x it checks no more than that; the rules beyond the schema (unique
// operationIds, path parameters named by their path) are held by openapi.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import { harness, ok } from './helpers.ts';

async function servedDocument() {
  const h = await harness();
  const res = await h.req('GET', '/api/v1/openapi.json');
  assert.match(res.headers.get('content-type') ?? '', /^application\/json\b/);
  return ok(Promise.resolve(res), 200);
}

/** The validator's verdict: null when it accepts, else its message. It works on a copy: it dereferences in place. */
async function verdict(doc: unknown): Promise<string | null> {
  try {
    await SwaggerParser.validate(structuredClone(doc) as never);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

describe('the OpenAPI document, by an independent validator', () => {
  it('is valid OpenAPI 3.1 by @apidevtools/swagger-parser, every $ref resolving', async () => {
    const doc = await servedDocument();
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(await verdict(doc), null);
    const api = await SwaggerParser.dereference(structuredClone(doc)) as unknown as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    assert.ok(Object.keys(api.paths).length > 10);
  });

  it('the validator refuses what a broken document would have (so the test above can fail)', async () => {
    const doc = await servedDocument();
    const op = (d: any) => d.paths['/api/v1/availability'].get;
    const broken: [string, (d: any) => void][] = [
      ['a response keyed by something not a status', (d) => (op(d).responses.twohundred = op(d).responses['200'])],
      ['a path that does not start with /', (d) => (d.paths['api/v1/nowhere'] = d.paths['/health'])],
      ['no title', (d) => delete d.info.title],
      ['a $ref to nothing', (d) => (op(d).responses['400'].content['application/json'].schema = { $ref: '#/components/schemas/Missing' })],
      ['a parameter in a place that does not exist', (d) => (op(d).parameters[0].in = 'body')],
    ];
    for (const [what, breakIt] of broken) {
      const copy = structuredClone(doc);
      breakIt(copy);
      assert.notEqual(await verdict(copy), null, what);
    }
  });
});
