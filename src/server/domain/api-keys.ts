import type { ApiKey, ApiKeyCreate } from '../../contract/index.ts';
import type { Deps, SecretPrincipal } from '../context.ts';
import { createKey, keyOut } from '../auth/keys.ts';
import { ApiError, invalid, notFound } from '../http/errors.ts';
import { createHubKey, findHubKey, hubKeyOut, listHubKeys, revokeHubKey, updateHubKey, type HubScope } from './hubs.ts';
import type { Tx } from '../store/db.ts';
import type { Scope } from './catalog.ts';

async function getKey(db: Tx, scope: Scope, id: string) {
  const row = await db.selectFrom('api_keys').selectAll()
    .where('id', '=', id).where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).executeTakeFirst();
  if (!row) throw notFound('API key');
  return row;
}

/** A hub key's callers also see and manage their hub's keys (of their mode) through `/api-keys`. */
const hubOf = (p: SecretPrincipal): HubScope | null => (p.via?.type === 'hub_key' ? { hubId: p.via.hubId, mode: p.mode } : null);
const hubKey = async (db: Tx, p: SecretPrincipal, id: string) => {
  const hub = hubOf(p);
  return hub ? findHubKey(db, hub, id) : undefined;
};

export async function keyView(db: Tx, p: SecretPrincipal, id: string): Promise<ApiKey> {
  const own = await hubKey(db, p, id);
  return own ? hubKeyOut(own) : keyOut(await getKey(db, p, id));
}

/** The keys of the caller's business in the caller's mode (a test key never sees live keys), then its hub's. */
export async function listKeys(db: Tx, p: SecretPrincipal): Promise<ApiKey[]> {
  const rows = await db.selectFrom('api_keys').selectAll()
    .where('business_id', '=', p.businessId).where('mode', '=', p.mode).orderBy('created_at').orderBy('id').execute();
  const hub = hubOf(p);
  return [...rows.map(keyOut), ...(hub ? await listHubKeys(db, hub) : [])];
}

/** The full key is in this answer and nowhere else, ever: only its hash is stored. */
export async function issueKey(deps: Deps, p: SecretPrincipal, body: ApiKeyCreate): Promise<ApiKey & { key: string }> {
  if (body.type === 'hub') {
    const hub = hubOf(p);
    if (!hub) throw new ApiError('forbidden', 'Only a hub key creates hub keys');
    const { row, key } = await createHubKey(deps.store.db, { ...hub, name: body.name, now: deps.now() });
    return { ...hubKeyOut(row), key };
  }
  if (body.type === 'publishable') needsOrigins(p, body.allowed_origins ?? []);
  const { row, key } = await createKey(deps.store.db, {
    businessId: p.businessId, mode: p.mode, type: body.type, name: body.name,
    allowedOrigins: body.allowed_origins ?? [], now: deps.now(),
  });
  return { ...keyOut(row), key };
}

export async function updateKey(db: Tx, p: SecretPrincipal, id: string, body: { name?: string | undefined; allowed_origins?: string[] | undefined }): Promise<ApiKey> {
  const own = await hubKey(db, p, id);
  if (own) return updateHubKey(db, own, body);
  const row = await getKey(db, p, id);
  if (row.type === 'secret' && body.allowed_origins?.length) throw invalid('allowed_origins', 'Only publishable keys have allowed origins');
  const set: { name?: string; allowed_origins?: string } = {};
  if (body.name !== undefined) set.name = body.name;
  if (row.type === 'publishable' && body.allowed_origins !== undefined) needsOrigins(p, body.allowed_origins);
  if (body.allowed_origins !== undefined) set.allowed_origins = JSON.stringify(body.allowed_origins);
  if (Object.keys(set).length) await db.updateTable('api_keys').set(set).where('id', '=', row.id).execute();
  return keyView(db, p, row.id);
}

/** A live publishable key must name its origins: an empty list would open it to every page on the web. */
function needsOrigins(p: SecretPrincipal, origins: string[]) {
  if (p.mode === 'live' && origins.length === 0) {
    throw invalid('allowed_origins', 'A live publishable key needs at least one allowed origin, such as https://shop.example.com');
  }
}

/** Revocation: immediate (every request re-reads the key's status) and idempotent. */
export async function revokeKey(deps: Deps, p: SecretPrincipal, id: string): Promise<ApiKey> {
  const own = await hubKey(deps.store.db, p, id);
  if (own) return revokeHubKey(deps.store.db, own, deps.now());
  const row = await getKey(deps.store.db, p, id);
  if (row.status === 'active') {
    await deps.store.db.updateTable('api_keys').set({ status: 'revoked', revoked_at: deps.now() }).where('id', '=', row.id).execute();
  }
  return keyView(deps.store.db, p, row.id);
}
