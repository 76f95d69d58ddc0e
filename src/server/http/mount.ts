import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { AppEnv, Deps } from '../context.ts';
import { BEARER, perIp, requireAuth, requirePublishable, type CredentialKind } from '../auth/authenticate.ts';
import { parseKeyShape } from '../auth/keys.ts';
import type { Credential, Route } from './route.ts';
import { readInput } from './validate.ts';
import { API_BASE_PATH } from '../../contract/index.ts';
import { recordAdminChange } from '../domain/activity.ts';

/** The bearer credential as sent, or undefined (a malformed header is the gate's to refuse). */
const bearerOrNone = (c: Context<AppEnv>) => BEARER.exec(c.req.header('authorization') ?? '')?.[1];

/** `/holds/{id}` → `/holds/:id`. */
const honoPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/** The gate a route's credential stands for; every gate also applies that credential's rate limits. */
function gate(credentials: readonly Credential[], deps: Deps): MiddlewareHandler<AppEnv> {
  const keys = credentials.filter((k): k is CredentialKind => k === 'secret' || k === 'session' || k === 'hub');
  if (keys.length && credentials.includes('publishable') && keys.length + 1 === credentials.length) {
    // The catalog reads: a publishable key itself (by its shape), or a session or secret key.
    const byKey = requirePublishable(deps, 'catalog');
    const byToken = requireAuth(deps, keys);
    return (c, next) => (parseKeyShape(bearerOrNone(c) ?? '')?.type === 'publishable' ? byKey(c, next) : byToken(c, next));
  }
  if (keys.length && keys.length !== credentials.length) throw new Error(`no gate takes ${credentials.join(' or ')} alike`);
  if (keys.length) return requireAuth(deps, keys);
  if (credentials.length !== 1) throw new Error(`no gate takes ${credentials.join(' or ')} alike`);
  // Manage routes: the token in the query is the credential, checked against the booking it names.
  return credentials[0] === 'publishable' ? requirePublishable(deps) : perIp(deps, 'public');
}

/**
 * Serves each route of the table: its credential's gate, then its declared input (anything
 * invalid is a 400 before the handler runs), then the handler, whose answer goes out with the
 * route's success status.
 */
export function mountRoutes(app: Hono<AppEnv>, routes: readonly Route[], deps: Deps): void {
  for (const r of routes) app.on(r.method.toUpperCase(), honoPath(r.path), gate(r.credentials, deps), (c) => answerRoute(c, r, deps));
}

/**
 * A route's answer once its gate has let the caller in: its declared input, its handler, and, for
 * an admin change, the activity log's entry (the dashboard's routes answer through here too).
 */
export async function answerRoute(c: Context<AppEnv>, r: Route, deps: Deps, base = API_BASE_PATH): Promise<Response> {
  const input = await readInput(c, r);
  const principal = c.get('principal');
  const answer = await r.handler({ deps, principal, ...input }, c);
  if (r.method !== 'get' && principal?.kind === 'secret') {
    await recordAdminChange(deps, principal, r.method, r.path.slice(base.length), input.params, input.body, answer instanceof Response ? null : answer);
  }
  if (answer instanceof Response) return answer;
  const status = r.ok[0] as 200;
  return answer === null || answer === undefined ? c.body(null, status) : c.json(answer, status);
}
