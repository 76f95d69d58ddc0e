import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { invalid } from '../http/errors.ts';

/**
 * Customer passwords (decision 012): scrypt from node:crypto, memory-hard, with a random salt per
 * hash and the parameters written into the hash, so they can be raised later without breaking
 * stored ones. N=2^15, r=8, p=3 is one of OWASP's equivalent scrypt settings (32 MiB, the
 * strength of N=2^17, p=1 at a quarter of the memory: several sign-ins at once fit a small server).
 */
const PARAMS = { N: 2 ** 15, r: 8, p: 3 } as const;
const KEY_BYTES = 32;
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

const derive = (password: string, salt: Buffer, o: { N: number; r: number; p: number }) =>
  new Promise<Buffer>((resolve, reject) => {
    const opts: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 256 * o.N * o.r + 1024 * 1024 };
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });

/** `scrypt$N$r$p$<salt>$<key>`, base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** A hash of a password nobody has: unknown emails are checked against it, so they cost what known ones do. */
let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= hashPassword(randomBytes(18).toString('base64url')));

/**
 * Whether `password` matches `stored`, compared in constant time. Without a stored hash (an email
 * with no account) the same work is done against a dummy hash, and the answer is false.
 */
export async function checkPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const hash = stored ?? (await dummyHash());
  const [scheme, n, r, p, salt, key] = hash.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const want = Buffer.from(key, 'base64url');
  const got = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return got.length === want.length && timingSafeEqual(got, want) && stored !== null && stored !== undefined;
}

/**
 * Common passwords of at least PASSWORD_MIN characters, lower-cased: every such entry of the
 * 30,000 most frequent passwords in Mark Burnett's 10-million-password corpus, as zxcvbn ships
 * them (github.com/dropbox/zxcvbn, data/passwords.txt at 67c4ece, MIT licence): 1,529 entries.
 */
let common: Set<string> | undefined;
const commonPasswords = () =>
  (common ??= new Set(readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8').split('\n').filter(Boolean)));

/** Refuses a password that is too short, too long, or common (400 with the field named). */
export function checkNewPassword(password: string, field = 'password'): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN) throw invalid(field, `Must be at least ${PASSWORD_MIN} characters`);
  if (length > PASSWORD_MAX) throw invalid(field, `Must be at most ${PASSWORD_MAX} characters`);
  if (commonPasswords().has(password.toLowerCase())) throw invalid(field, 'This password is too common; choose another');
}
