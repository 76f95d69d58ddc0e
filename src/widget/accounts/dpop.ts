import { SignJWT, exportJWK, type JWK } from 'jose';

// This browser's DPoP key (RFC 9449; decision 012): an ECDSA P-256 pair made by WebCrypto with a
// non-extractable private key, kept in IndexedDB (which stores CryptoKey objects as they are), so
// no script on the page can read the private key out, only ask this browser to sign with it.

const DB = 'bw-accounts';
const STORE = 'keys';

/** Where accounts cannot be bound to the browser: without IndexedDB or WebCrypto, none are offered. */
export const supported = () => typeof indexedDB !== 'undefined' && !!globalThis.crypto?.subtle && globalThis.isSecureContext !== false;

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB refused'));
  });
}

async function tx<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const req = run(db.transaction(STORE, mode).objectStore(STORE));
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('IndexedDB refused'));
    });
  } finally {
    db.close();
  }
}

export interface BrowserKey { privateKey: CryptoKey; jwk: JWK }

const made = new Map<string, Promise<BrowserKey>>();

/** The key pair stored under `id`, made (once per page, whatever the callers) when there is none. */
export function browserKey(id: string): Promise<BrowserKey> {
  let p = made.get(id);
  if (!p) {
    p = (async () => {
      let pair = await tx<CryptoKeyPair | undefined>('readonly', (s) => s.get(id) as IDBRequest<CryptoKeyPair | undefined>);
      if (!pair) {
        pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
        await tx('readwrite', (s) => s.put(pair, id));
      }
      const { kty, crv, x, y } = await exportJWK(pair.publicKey);
      return { privateKey: pair.privateKey, jwk: { kty, crv, x, y } };
    })();
    made.set(id, p);
    p.catch(() => made.delete(id));
  }
  return p;
}

/** Forgets the key (sign-out): the next sign-in makes a new one. */
export async function dropKey(id: string): Promise<void> {
  made.delete(id);
  await tx('readwrite', (s) => s.delete(id));
}

/** A DPoP proof for one request: `htm`, `htu` (no query), a fresh `jti`, `iat` on the server's clock. */
export async function proof(key: BrowserKey, method: string, url: string, serverNow: number): Promise<string> {
  const u = new URL(url);
  return new SignJWT({ htm: method, htu: `${u.origin}${u.pathname}`, jti: crypto.randomUUID(), iat: Math.floor(serverNow / 1000) })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
    .sign(key.privateKey);
}
