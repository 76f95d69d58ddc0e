import type { Hono } from 'hono';
import { BusinessPatch, type BusinessSettings } from '../../contract/index.ts';
import type { AppEnv, Deps } from '../context.ts';
import { requireAuth } from '../auth/authenticate.ts';
import { readBody, zoneOrThrow } from '../http/validate.ts';
import { getBusiness } from '../domain/bookings.ts';
import type { BusinessRow } from '../store/schema.ts';

export const businessOut = (b: BusinessRow): BusinessSettings => ({
  id: b.id, name: b.name, timezone: b.timezone,
  booking_page_url: b.booking_page_url ?? null, notification_email: b.notification_email ?? null, reply_to: b.reply_to ?? null,
});

/** The calling key's business: its name, zone, and where notifications point. */
export function businessRoutes(api: Hono<AppEnv>, deps: Deps) {
  const admin = requireAuth(deps, ['secret']);
  const { db } = deps.store;

  api.get('/business', admin, async (c) => c.json(businessOut(await getBusiness(db, c.get('principal').businessId))));

  api.patch('/business', admin, async (c) => {
    const p = c.get('principal');
    const body = await readBody(c, BusinessPatch);
    const set: Partial<BusinessRow> = {};
    if (body.name !== undefined) set.name = body.name;
    if (body.timezone !== undefined) set.timezone = zoneOrThrow(body.timezone);
    if (body.booking_page_url !== undefined) set.booking_page_url = body.booking_page_url;
    if (body.notification_email !== undefined) set.notification_email = body.notification_email;
    if (body.reply_to !== undefined) set.reply_to = body.reply_to;
    if (Object.keys(set).length) await db.updateTable('businesses').set(set).where('id', '=', p.businessId).execute();
    return c.json(businessOut(await getBusiness(db, p.businessId)));
  });
}
