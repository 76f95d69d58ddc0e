import { EmbeddedJWK, calculateJwkThumbprint, decodeProtectedHeader, jwtVerify } from 'jose';
import type { Context } from 'hono';
import type { Deps } from '../context.ts';
import { ApiError } from '../http/errors.ts';
import { hashToken } from './tokens.ts';

/** How far a proof's `iat` may be from the server's clock (RFC 9449 section 11.1 leaves the window to the server). */
export const DPOP_WINDOW_S = 60;
export const DPOP_HEADER = 'DPoP';

const refuse = (why: string) => new ApiError('unauthorized', `Invalid DPoP proof: ${why}`);

/** The request's URI as RFC 9449 compares it: scheme, host, port and path; no query, no fragment. */
export function htuOf(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/**
 * Verifies the request's DPoP proof (RFC 9449 section 4.3) and answers the thumbprint of its key
 * (RFC 7638, SHA-256): one compact JWS, `typ: dpop+jwt`, ES256 only (the widget's P-256 key),
 * signed by the public key in its own header, for this method and URI, issued within a minute
 * of now, and never seen before (its `jti` is kept until it could no longer be accepted anyway).
 */
export async function verifyDpop(c: Context, deps: Deps): Promise<string> {
  const proofs = c.req.raw.headers.get(DPOP_HEADER);
  if (!proofs) throw refuse('send a DPoP header signed by this browser\'s key');
  if (proofs.includes(',') || proofs.length > 4000) throw refuse('send exactly one proof');
  let header;
  try {
    header = decodeProtectedHeader(proofs);
  } catch {
    throw refuse('not a JWS');
  }
  const jwk = header.jwk;
  if (!jwk || typeof jwk !== 'object' || 'd' in jwk) throw refuse('the header must carry the public key');
  let payload;
  try {
    ({ payload } = await jwtVerify(proofs, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] }));
  } catch {
    throw refuse('bad signature, type or algorithm');
  }
  const { htm, htu, iat, jti } = payload as Record<string, unknown>;
  if (htm !== c.req.method) throw refuse('htm does not match the request');
  if (typeof htu !== 'string' || (() => { try { return htuOf(htu) !== htuOf(c.req.url); } catch { return true; } })()) throw refuse('htu does not match the request');
  const now = deps.now();
  if (typeof iat !== 'number' || Math.abs(now / 1000 - iat) > DPOP_WINDOW_S) throw refuse('iat is not recent');
  if (typeof jti !== 'string' || jti.length < 8 || jti.length > 200) throw refuse('jti missing');
  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  // One row per proof seen; a second insert of the same one changes nothing, and is a replay.
  const id = hashToken(`${jkt}.${jti}`);
  const { db } = deps.store;
  await db.deleteFrom('dpop_proofs').where('expires_ms', '<', now).execute();
  const res = await db.insertInto('dpop_proofs').values({ id, expires_ms: (iat + 2 * DPOP_WINDOW_S) * 1000 })
    .onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
  if (Number(res.numInsertedOrUpdatedRows ?? 0) !== 1) throw refuse('this proof was used before');
  return jkt;
}
