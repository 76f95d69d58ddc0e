import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 24 random bytes = 192 bits, written as 32 URL-safe characters. */
export const randomToken = (bytes = 24): string => randomBytes(bytes).toString('base64url');

/** Short opaque ids with a readable prefix (`bk_…`, `svc_…`). */
export const newId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('base64url')}`;

/**
 * Keys and tokens carry ≥ 128 random bits, so a fast hash is enough: there is nothing to
 * brute-force that a slow hash would protect. Lookups go by hash, so no stored value is ever
 * compared against a guess character by character.
 */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Random ids of `bytes` bytes (as base64url) drawn from a pool filled `batch` at a time: one call
 * into the random generator per batch, not per id (request ids, made for every request).
 */
export function pooledIds(bytes = 9, batch = 512): () => string {
  let pool = Buffer.alloc(0);
  let at = 0;
  return () => {
    if (at + bytes > pool.length) {
      pool = randomBytes(bytes * batch);
      at = 0;
    }
    const id = pool.toString('base64url', at, at + bytes);
    at += bytes;
    return id;
  };
}
