import type { Context } from 'hono';
import type * as z from 'zod/mini';
import type { ErrorCode } from '../../contract/index.ts';
import type { AppEnv, Deps, HubPrincipal, Principal, PublishablePrincipal, SecretPrincipal, SessionPrincipal } from '../context.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * What a route takes as its credential: a secret key (admin; a hub key or the service key naming
 * a business with `X-Business-Id` too), a session token (widget), a publishable key
 * (`POST /session`), a hub key alone (the hub's own routes), a booking's manage token in the query
 * (manage links), or nothing. Routes without a credential of their own are limited per client IP.
 */
export type Credential = 'secret' | 'session' | 'publishable' | 'hub' | 'manage' | 'none';
/** One credential, or several a route accepts alike (`GET /services`: session or secret key). */
export type Auth = Credential | readonly Credential[];

type Schema = z.ZodMiniType;
type Out<S> = S extends Schema ? z.output<S> : undefined;
type CredentialOf<A> = A extends readonly (infer C)[] ? C : A;
type PrincipalOf<C> =
  C extends 'secret' ? SecretPrincipal : C extends 'session' ? SessionPrincipal : C extends 'publishable' ? PublishablePrincipal : C extends 'hub' ? HubPrincipal : never;
type ParamNames<P extends string> = P extends `${string}{${infer N}}${infer Rest}` ? N | ParamNames<Rest> : never;

/** What a handler reads: validated input only, and the caller its credential proved. */
export interface Input<P extends string, A extends Auth, Q, B, Hd> {
  deps: Deps;
  principal: [PrincipalOf<CredentialOf<A>>] extends [never] ? undefined : PrincipalOf<CredentialOf<A>>;
  params: { [K in ParamNames<P>]: string };
  query: Out<Q>;
  body: Out<B>;
  headers: Out<Hd>;
}

/** A success answer: the body its schema describes (sent with the route's status), or a Response built by hand. */
type Answer<O> = (O extends Schema ? z.input<O> : null) | Response;

/** An answer other than the success and the error envelope (`GET /ready`'s 503). */
export interface OtherAnswer { status: number; description: string; schema?: Schema }

/** One route, declared once: the router, the validator and the OpenAPI document all read this. */
export interface RouteSpec<P extends string, A extends Auth, Q extends Schema | undefined, B extends Schema | undefined, Hd extends z.ZodMiniObject | undefined, O extends Schema | null> {
  method: Method;
  /** OpenAPI style, `/holds/{id}`; a resource file's paths are relative to the API's base path. */
  path: P;
  summary: string;
  auth: A;
  /** Request headers the route reads; the only ones its handler sees. */
  headers?: Hd;
  /** The whole query string; a route without one ignores the query. */
  query?: Q;
  /** The JSON body; with `bodyOptional`, an empty body reads as `{}`. */
  body?: B;
  bodyOptional?: boolean;
  ok: readonly [status: number, schema: O];
  also?: readonly OtherAnswer[];
  /** Error codes of this route beyond those its credential and its inputs bring. */
  errors?: readonly ErrorCode[];
  handler(input: Input<P, A, Q, B, Hd>, c: Context<AppEnv>): Answer<O> | Promise<Answer<O>>;
}

/** A declaration as the route table holds it: types erased, every error code listed. */
export interface Route {
  method: Method;
  path: string;
  summary: string;
  credentials: readonly Credential[];
  headers?: z.ZodMiniObject;
  query?: Schema;
  body?: Schema;
  bodyOptional?: boolean;
  ok: readonly [number, Schema | null];
  also: readonly OtherAnswer[];
  errors: readonly ErrorCode[];
  handler(input: { deps: Deps; principal: Principal | undefined; params: Record<string, string>; query: unknown; body: unknown; headers: unknown }, c: Context<AppEnv>): unknown;
}

/** The errors each credential can answer with, before the route does anything of its own. */
const CREDENTIAL_ERRORS: Record<Credential, readonly ErrorCode[]> = {
  // not_found: a hub or service key naming a business outside its reach with X-Business-Id.
  secret: ['invalid_request', 'unauthorized', 'rate_limited', 'key_revoked', 'secret_key_in_browser', 'forbidden', 'not_found'],
  hub: ['unauthorized', 'rate_limited', 'key_revoked', 'secret_key_in_browser', 'forbidden'],
  session: ['invalid_request', 'unauthorized', 'rate_limited', 'key_revoked', 'session_expired', 'origin_not_allowed', 'forbidden'],
  publishable: ['unauthorized', 'key_revoked', 'origin_not_allowed', 'secret_key_in_browser', 'forbidden', 'rate_limited'],
  manage: ['invalid_request', 'not_found', 'rate_limited'],
  none: ['rate_limited'],
};

export function route<const P extends string, const A extends Auth, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined, Hd extends z.ZodMiniObject | undefined = undefined, O extends Schema | null = null>(
  spec: RouteSpec<P, A, Q, B, Hd, O>,
): Route {
  const credentials: readonly Credential[] = typeof spec.auth === 'string' ? [spec.auth] : spec.auth;
  const errors = new Set<ErrorCode>(credentials.flatMap((c) => CREDENTIAL_ERRORS[c]));
  if (spec.headers || spec.query || spec.body) errors.add('invalid_request');
  if (spec.body) errors.add('payload_too_large');
  for (const code of spec.errors ?? []) errors.add(code);
  const { auth: _, errors: __, also, ...rest } = spec;
  return { ...rest, credentials, also: also ?? [], errors: [...errors] };
}

/** The same routes under a base path (`/api/v1`). */
export const under = (base: string, routes: readonly Route[]): Route[] => routes.map((r) => ({ ...r, path: base + r.path }));
