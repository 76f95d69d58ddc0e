import { BusinessPatch, BusinessSettings } from '../../contract/index.ts';
import { route } from '../http/route.ts';
import { ZONE_NOTE, checked, knownZone } from '../http/inputs.ts';
import { businessOut, getBusiness, updateBusiness } from '../domain/business.ts';

const Change = checked(BusinessPatch, { timezone: ZONE_NOTE }, (b) =>
  b.timezone === undefined ? b : { ...b, timezone: knownZone(b.timezone) });

/** The calling key's business: its name, zone, and where notifications point. */
export const businessRoutes = [
  route({
    method: 'get', path: '/business', auth: 'secret', summary: 'The business: name, zone, booking page and notification addresses',
    ok: [200, BusinessSettings],
    handler: async ({ deps, principal }) => businessOut(await getBusiness(deps.store.db, principal.businessId)),
  }),
  route({
    method: 'patch', path: '/business', auth: 'secret', summary: 'Change the business settings',
    body: Change, ok: [200, BusinessSettings],
    handler: async ({ deps, principal, body }) => businessOut(await updateBusiness(deps.store.db, principal.businessId, body)),
  }),
];
