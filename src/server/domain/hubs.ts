import type { ApiKey, BusinessCreate, BusinessSettings } from '../../contract/index.ts';
import type { Store, Tx } from '../store/db.ts';
import type { HubKeyRow, Mode } from '../store/schema.ts';
import { keyPrefix } from '../auth/keys.ts';
import { hashToken, newId, randomToken } from '../auth/tokens.ts';
import { invalid, notFound } from '../http/errors.ts';
import { iso, isoOrNull } from '../time.ts';
import { businessOut } from './business.ts';

// Hubs (API.md, "Hubs and service keys"): a hub groups businesses, and a hub key has every admin
// right over every business of its hub, in its own mode. Its keys are stored like a business's:
// the digest only, the full key shown once.

export async function createHubKey(db: Tx, input: { hubId: string; mode: Mode; name: string; now: number }): Promise<{ row: HubKeyRow; key: string }> {
  const key = keyPrefix('hub', input.mode) + randomToken(24);
  const row: HubKeyRow = {
    id: newId('key'), hub_id: input.hubId, mode: input.mode, name: input.name, prefix: keyPrefix('hub', input.mode),
    last4: key.slice(-4), key_hash: hashToken(key), status: 'active', created_at: input.now, last_used_at: null, revoked_at: null,
  };
  await db.insertInto('hub_keys').values(row).execute();
  return { row, key };
}

/** `booking-api hub create`: a hub and its first key, printed once. */
export async function createHub(store: Store, input: { name: string; mode: Mode; now?: number }) {
  const now = input.now ?? Date.now();
  return store.write(async (tx) => {
    const hub = { id: newId('hub'), name: input.name, created_at: now };
    await tx.insertInto('hubs').values(hub).execute();
    const { key } = await createHubKey(tx, { hubId: hub.id, mode: input.mode, name: 'Initial hub key', now });
    return { hub: { id: hub.id, name: hub.name }, hub_key: key };
  });
}

export const findHubKeyByToken = (db: Tx, token: string) =>
  db.selectFrom('hub_keys').selectAll().where('key_hash', '=', hashToken(token)).executeTakeFirst();

/** A hub key as `/api-keys` answers every key; it has no origins (it never serves a browser). */
export const hubKeyOut = (row: HubKeyRow): ApiKey => ({
  id: row.id, name: row.name, type: 'hub', mode: row.mode, prefix: row.prefix, last4: row.last4, allowed_origins: [],
  status: row.status, created_at: iso(row.created_at), last_used_at: isoOrNull(row.last_used_at),
});

export interface HubScope { hubId: string; mode: Mode }

export const listHubKeys = async (db: Tx, scope: HubScope) =>
  (await db.selectFrom('hub_keys').selectAll().where('hub_id', '=', scope.hubId).where('mode', '=', scope.mode)
    .orderBy('created_at').orderBy('id').execute()).map(hubKeyOut);

/** One of the hub's keys in the caller's mode, or undefined (the caller then looks among the business's). */
export const findHubKey = (db: Tx, scope: HubScope, id: string) =>
  db.selectFrom('hub_keys').selectAll().where('id', '=', id).where('hub_id', '=', scope.hubId).where('mode', '=', scope.mode).executeTakeFirst();

export async function updateHubKey(db: Tx, row: HubKeyRow, body: { name?: string | undefined; allowed_origins?: string[] | undefined }): Promise<ApiKey> {
  if (body.allowed_origins?.length) throw invalid('allowed_origins', 'Only publishable keys have allowed origins');
  if (body.name !== undefined) await db.updateTable('hub_keys').set({ name: body.name }).where('id', '=', row.id).execute();
  return hubKeyOut({ ...row, name: body.name ?? row.name });
}

/** Immediate (every request re-reads the key's status, on every instance) and idempotent. */
export async function revokeHubKey(db: Tx, row: HubKeyRow, now: number): Promise<ApiKey> {
  if (row.status === 'active') {
    await db.updateTable('hub_keys').set({ status: 'revoked', revoked_at: now }).where('id', '=', row.id).execute();
    return hubKeyOut({ ...row, status: 'revoked', revoked_at: now });
  }
  return hubKeyOut(row);
}

/** The business a hub key names with `X-Business-Id`, if it is one of its hub's; else 404. */
export async function hubBusiness(db: Tx, hubId: string, businessId: string): Promise<string> {
  const row = await db.selectFrom('businesses').select('id').where('id', '=', businessId).where('hub_id', '=', hubId).executeTakeFirst();
  if (!row) throw notFound('Business');
  return row.id;
}

export const listHubBusinesses = async (db: Tx, hubId: string): Promise<BusinessSettings[]> =>
  (await db.selectFrom('businesses').selectAll().where('hub_id', '=', hubId).orderBy('created_at').orderBy('id').execute()).map(businessOut);

/** A new business in the hub; its keys are made with the hub key like any other business's. */
export async function createHubBusiness(store: Store, hubId: string, body: BusinessCreate, now: number): Promise<BusinessSettings> {
  const row = {
    id: newId('biz'), name: body.name, timezone: body.timezone, created_at: now, hub_id: hubId,
    booking_page_url: body.booking_page_url ?? null, notification_email: null, reply_to: null,
  };
  await store.db.insertInto('businesses').values(row).execute();
  return businessOut(row);
}

/** `booking-api init --hub`: the hub must exist before a business joins it. */
export async function hubExists(db: Tx, hubId: string): Promise<boolean> {
  return !!(await db.selectFrom('hubs').select('id').where('id', '=', hubId).executeTakeFirst());
}
