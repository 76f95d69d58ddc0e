import type { ApiKey } from '../../contract/index.ts';
import type { Tx } from '../store/db.ts';
import type { ApiKeyRow, Mode } from '../store/schema.ts';
import { hashToken, newId, randomToken } from './tokens.ts';
import { iso, isoOrNull } from '../time.ts';

export type KeyType = 'publishable' | 'secret';
/** A business's keys, and a hub's (`hk_…`, domain/hubs.ts). */
export type KeyShape = KeyType | 'hub';

const PREFIX: Record<KeyShape, string> = { secret: 'sk', publishable: 'pk', hub: 'hk' };
export const keyPrefix = (type: KeyShape, mode: Mode) => `${PREFIX[type]}_${mode}_`;
const KEY_SHAPE = /^(sk|pk|hk)_(test|live)_[A-Za-z0-9_-]{32}$/;

/** Tells a key from a session token without touching the database. */
export function parseKeyShape(token: string): { type: KeyShape; mode: Mode } | null {
  const m = KEY_SHAPE.exec(token);
  if (!m) return null;
  return { type: m[1] === 'sk' ? 'secret' : m[1] === 'hk' ? 'hub' : 'publishable', mode: m[2] as Mode };
}

export async function createKey(
  db: Tx,
  input: { businessId: string; mode: Mode; type: KeyType; name: string; allowedOrigins: string[]; now: number },
): Promise<{ row: ApiKeyRow; key: string }> {
  const key = keyPrefix(input.type, input.mode) + randomToken(24);
  const row: ApiKeyRow = {
    id: newId('key'),
    business_id: input.businessId,
    mode: input.mode,
    type: input.type,
    name: input.name,
    prefix: keyPrefix(input.type, input.mode),
    last4: key.slice(-4),
    key_hash: hashToken(key),
    allowed_origins: JSON.stringify(input.allowedOrigins),
    status: 'active',
    created_at: input.now,
    last_used_at: null,
    revoked_at: null,
  };
  await db.insertInto('api_keys').values(row).execute();
  return { row, key };
}

export const findKeyByToken = (db: Tx, token: string) =>
  db.selectFrom('api_keys').selectAll().where('key_hash', '=', hashToken(token)).executeTakeFirst();

export const allowedOrigins = (row: Pick<ApiKeyRow, 'allowed_origins'>): string[] => JSON.parse(row.allowed_origins) as string[];

export function keyOut(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    mode: row.mode,
    prefix: row.prefix,
    last4: row.last4,
    allowed_origins: allowedOrigins(row),
    status: row.status,
    created_at: iso(row.created_at),
    last_used_at: isoOrNull(row.last_used_at),
  };
}
