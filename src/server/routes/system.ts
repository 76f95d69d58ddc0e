import * as z from 'zod/mini';
import { route } from '../http/route.ts';

const Status = (...values: [string, ...string[]]) => z.object({ status: z.enum(values) });

/** For load balancers and monitors; outside the API's base path. */
export const systemRoutes = [
  route({
    method: 'get', path: '/health', auth: 'none', summary: 'Liveness: 200 while the process runs, draining or not',
    ok: [200, Status('ok')],
    handler: () => ({ status: 'ok' }),
  }),
  // Readiness: 200 only while the database answers and the process is not shutting down.
  // Liveness stays 200 in both cases, so nothing restarts a draining process.
  route({
    method: 'get', path: '/ready', auth: 'none', summary: 'Readiness: the database answers and the process is not shutting down',
    ok: [200, Status('ready')], also: [{ status: 503, description: 'Draining, or the database does not answer', schema: Status('draining', 'unavailable') }],
    handler: async ({ deps }, c) => {
      if (deps.lifecycle.draining) return c.json({ status: 'draining' }, 503);
      try {
        await Promise.race([
          deps.store.ping(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('database ping timed out')), 2000).unref()),
        ]);
      } catch (err) {
        deps.log.error('readiness check failed', { request_id: c.get('requestId'), error: (err as Error).message });
        return c.json({ status: 'unavailable' }, 503);
      }
      return { status: 'ready' };
    },
  }),
];
