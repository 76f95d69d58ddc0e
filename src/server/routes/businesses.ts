import { BusinessCreate, BusinessSettings, list } from '../../contract/index.ts';
import { route } from '../http/route.ts';
import { ZONE_NOTE, checked, knownZone } from '../http/inputs.ts';
import { createHubBusiness, listHubBusinesses } from '../domain/hubs.ts';

const NewBusiness = checked(BusinessCreate, { timezone: ZONE_NOTE }, (b) => ({ ...b, timezone: knownZone(b.timezone) }));

/** A hub's own routes: its businesses. Only a hub key, and no `X-Business-Id`: the hub is the key's. */
export const businessesRoutes = [
  route({
    method: 'get', path: '/businesses', auth: 'hub', summary: 'The businesses of the calling key\'s hub', ok: [200, list(BusinessSettings)],
    handler: async ({ deps, principal }) => ({ data: await listHubBusinesses(deps.store.db, principal.hubId) }),
  }),
  route({
    method: 'post', path: '/businesses', auth: 'hub', summary: 'Create a business in the calling key\'s hub (its keys are then made with the hub key)',
    body: NewBusiness, ok: [201, BusinessSettings],
    handler: async ({ deps, principal, body }) => createHubBusiness(deps.store, principal.hubId, body, deps.now()),
  }),
];
