import type { BusinessSettings } from '../../contract/index.ts';
import type { Tx } from '../store/db.ts';
import type { BusinessRow } from '../store/schema.ts';

export const businessOut = (b: BusinessRow): BusinessSettings => ({
  id: b.id, name: b.name, timezone: b.timezone,
  booking_page_url: b.booking_page_url ?? null, notification_email: b.notification_email ?? null, reply_to: b.reply_to ?? null,
  accounts: b.accounts ?? 'off', sign_in_code: b.sign_in_code ?? 'off',
});

export async function getBusiness(db: Tx, id: string) {
  return db.selectFrom('businesses').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export type BusinessChange = Partial<Pick<BusinessRow, 'name' | 'timezone' | 'booking_page_url' | 'notification_email' | 'reply_to' | 'accounts' | 'sign_in_code'>>;

/** Changes the settings given (the zone already canonical) and answers the business as it now is. */
export async function updateBusiness(db: Tx, id: string, change: BusinessChange): Promise<BusinessRow> {
  const set: BusinessChange = {};
  for (const [k, v] of Object.entries(change) as [keyof BusinessChange, string | null | undefined][]) if (v !== undefined) Object.assign(set, { [k]: v });
  if (Object.keys(set).length) await db.updateTable('businesses').set(set).where('id', '=', id).execute();
  return getBusiness(db, id);
}
