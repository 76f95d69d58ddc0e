import type { Hono } from 'hono';
import { ApiKeyCreate, ApiKeyPatch } from '../../contract/index.ts';
import type { AppEnv, Deps } from '../context.ts';
import { requireAuth } from '../auth/authenticate.ts';
import { createKey, keyOut } from '../auth/keys.ts';
import { readBody } from '../http/validate.ts';
import { invalid, notFound } from '../http/errors.ts';
import type { Tx } from '../store/db.ts';
import type { Scope } from '../domain/catalog.ts';

async function getKey(db: Tx, scope: Scope, id: string) {
  const row = await db.selectFrom('api_keys').selectAll()
    .where('id', '=', id).where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).executeTakeFirst();
  if (!row) throw notFound('API key');
  return row;
}

export function apiKeyRoutes(api: Hono<AppEnv>, deps: Deps) {
  const admin = requireAuth(deps, ['secret']);
  const { db } = deps.store;

  api.get('/api-keys', admin, async (c) => {
    const p = c.get('principal');
    const rows = await db.selectFrom('api_keys').selectAll()
      .where('business_id', '=', p.businessId).where('mode', '=', p.mode).orderBy('created_at').orderBy('id').execute();
    return c.json({ data: rows.map(keyOut) });
  });

  // The full key is in this answer and nowhere else, ever: only its hash is stored.
  api.post('/api-keys', admin, async (c) => {
    const p = c.get('principal');
    const body = await readBody(c, ApiKeyCreate);
    if (body.type === 'secret' && body.allowed_origins?.length) throw invalid('allowed_origins', 'Only publishable keys have allowed origins');
    const { row, key } = await createKey(db, {
      businessId: p.businessId, mode: p.mode, type: body.type, name: body.name,
      allowedOrigins: body.allowed_origins ?? [], now: deps.now(),
    });
    return c.json({ ...keyOut(row), key }, 201);
  });

  api.get('/api-keys/:id', admin, async (c) => c.json(keyOut(await getKey(db, c.get('principal'), c.req.param('id')))));

  api.patch('/api-keys/:id', admin, async (c) => {
    const p = c.get('principal');
    const body = await readBody(c, ApiKeyPatch);
    const row = await getKey(db, p, c.req.param('id'));
    if (row.type === 'secret' && body.allowed_origins?.length) throw invalid('allowed_origins', 'Only publishable keys have allowed origins');
    const set: { name?: string; allowed_origins?: string } = {};
    if (body.name !== undefined) set.name = body.name;
    if (body.allowed_origins !== undefined) set.allowed_origins = JSON.stringify(body.allowed_origins);
    if (Object.keys(set).length) await db.updateTable('api_keys').set(set).where('id', '=', row.id).execute();
    return c.json(keyOut(await getKey(db, p, row.id)));
  });

  // Revocation: immediate (every request re-reads the key's status) and idempotent.
  api.delete('/api-keys/:id', admin, async (c) => {
    const p = c.get('principal');
    const row = await getKey(db, p, c.req.param('id'));
    if (row.status === 'active') {
      await db.updateTable('api_keys').set({ status: 'revoked', revoked_at: deps.now() }).where('id', '=', row.id).execute();
    }
    return c.json(keyOut(await getKey(db, p, row.id)));
  });
}
