import { ActivityList, ActivityQuery, UsageList, UsageQuery } from '../../contract/index.ts';
import { route } from '../http/route.ts';
import { listActivity } from '../domain/activity.ts';
import { listUsage } from '../domain/usage.ts';

/** What changed and who did it; requests per key and day. */
export const activityRoutes = [
  route({
    method: 'get', path: '/activity', auth: 'secret', summary: 'What changed and who did it, newest first (this mode, and the business settings)',
    query: ActivityQuery, ok: [200, ActivityList],
    handler: ({ deps, principal, query }) => listActivity(deps.store.db, principal, query),
  }),
  route({
    method: 'get', path: '/usage', auth: 'secret', summary: "Requests and rate-limited requests per key of this mode and UTC day, over the last `days` (7)",
    query: UsageQuery, ok: [200, UsageList],
    handler: async ({ deps, principal, query }) => {
      await deps.usage.flush();
      return { data: await listUsage(deps.store.db, principal, query.days ?? 7, deps.now()) };
    },
  }),
];
