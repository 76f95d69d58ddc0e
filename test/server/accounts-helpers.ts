import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { settled } from '../../src/server/background.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHOP, harness, ok, shop, type HarnessOptions, type Shop } from './helpers.ts';
import { notifier } from '../../src/server/notify/worker.ts';
import type { ComposedMail } from '../../src/server/notify/email.ts';

export const PASSWORD = 'correct horse battery staple';

/** A browser's DPoP key (ES256, as the widget's), and proofs from it on the harness's clock. */
export async function dpopKey() {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  return {
    jwk,
    async proof(method: string, url: string, o: { iat?: number; jti?: string; now: number; typ?: string }) {
      return new SignJWT({ htm: method, htu: url, jti: o.jti ?? crypto.randomUUID(), iat: o.iat ?? Math.floor(o.now / 1000) })
        .setProtectedHeader({ alg: 'ES256', typ: o.typ ?? 'dpop+jwt', jwk }).sign(privateKey);
    },
  };
}
export type DpopKey = Awaited<ReturnType<typeof dpopKey>>;

export const url = (path: string) => `http://api.test/api/v1${path}`;

/** A shop with accounts on, a mail catcher driven by the test's clock, and a browser key. */
export async function accountShop(opts: HarnessOptions & { code?: boolean } = {}) {
  const h = await harness(opts);
  const s = await shop(h, { service: { horizon_days: 120 } });
  await ok(h.req('PATCH', '/business', { auth: s.sk, body: { accounts: 'optional', booking_page_url: 'https://shop.example.com/book', ...(opts.code ? { sign_in_code: 'required' } : {}) } }), 200);
  const mails: ComposedMail[] = [];
  const worker = notifier(h.deps, { mailDir: mkdtempSync(join(tmpdir(), 'acct-mail-')), mailer: { send: (m) => { mails.push(m); return Promise.resolve(); }, close() {} } });
  const key = await dpopKey();
  const a = {
    h, s, key, mails,
    /** A fresh session, after the test moved its clock past the last one's hour. */
    async renew() {
      s.session = (await ok(h.req('POST', '/session', { auth: s.pk, origin: SHOP }), 201)).session_token;
    },
    /** Delivers what is due and answers the mails sent since. */
    async deliver() {
      const before = mails.length;
      await settled(h.deps);
      await worker.tick();
      return mails.slice(before);
    },
    async post(path: string, body: unknown, o: { auth?: string; key?: DpopKey | null; proof?: string; ip?: string } = {}) {
      const k = o.key === undefined ? key : o.key;
      const headers: Record<string, string> = {};
      const proof = o.proof ?? (k ? await k.proof('POST', url(path), { now: h.clock.now }) : undefined);
      if (proof) headers.DPoP = proof;
      return h.req('POST', path, { auth: o.auth ?? s.session, origin: SHOP, body, headers, ...(o.ip ? { ip: o.ip } : {}) });
    },
    signUp: (email: string, extra: Record<string, unknown> = {}, o: { key?: DpopKey } = {}) =>
      ok(a.post('/auth/sign-up', { email, password: PASSWORD, name: 'Ada Lovelace', page: '/book', ...extra }, o), 201),
    signIn: (email: string, o: { key?: DpopKey; password?: string } = {}) =>
      a.post('/auth/sign-in', { email, password: o.password ?? PASSWORD }, o),
    refresh: (refresh: string, o: { key?: DpopKey | null; proof?: string } = {}) => a.post('/auth/refresh', { refresh }, o),
    /** A verified account: signed up, its link followed while signed in. */
    async verified(email: string, o: { key?: DpopKey } = {}) {
      const pair = await a.signUp(email, {}, o);
      const [mail] = (await a.deliver()).filter((m) => m.to === email);
      const token = new URL(/https:\S+/.exec(mail.text)![0]).searchParams.get('bw_verify')!;
      await ok(a.post('/auth/verify-email', { token }, { auth: pair.access, key: null }), 200);
      return pair;
    },
  };
  return a;
}
export type AccountShop = Awaited<ReturnType<typeof accountShop>>;
export type { Shop };
