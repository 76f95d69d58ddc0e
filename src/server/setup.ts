import type { Store } from './store/db.ts';
import type { Mode } from './store/schema.ts';
import { createKey } from './auth/keys.ts';
import { newId } from './auth/tokens.ts';

/** Creates a business and its first secret key: what `booking-api init` prints. */
export async function createBusiness(store: Store, input: { name: string; timezone: string; mode: Mode; now?: number; hubId?: string | undefined }) {
  const now = input.now ?? Date.now();
  return store.write(async (tx) => {
    const business = { id: newId('biz'), name: input.name, timezone: input.timezone, created_at: now, ...(input.hubId ? { hub_id: input.hubId } : {}) };
    await tx.insertInto('businesses').values(business).execute();
    const { key } = await createKey(tx, { businessId: business.id, mode: input.mode, type: 'secret', name: 'Initial secret key', allowedOrigins: [], now });
    return { business: { id: business.id, name: business.name, timezone: business.timezone }, secret_key: key };
  });
}
