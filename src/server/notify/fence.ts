import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { normalizeIp } from '../http/client-ip.ts';

/**
 * Where webhooks may go. A webhook is a request this server makes on a merchant's say-so, and
 * its answer is shown back to them (the delivery log's excerpt), so an endpoint on this machine,
 * on the private network or at a cloud's metadata address would hand its secrets to whoever holds
 * a secret key. The check is made on the address the socket connects to, not on the URL's
 * spelling: names are resolved, every address is judged, and the connection goes only to an
 * address that passed (so a name that resolves elsewhere the second time gains nothing).
 */

/** Resolves a name to all its addresses (`dns.lookup` with `all: true`); tests inject their own. */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolve: Resolve = (hostname) => new Promise((resolve, reject) => {
  dnsLookup(hostname, { all: true, verbatim: true } satisfies LookupAllOptions, (err, addresses) => (err ? reject(err) : resolve(addresses)));
});

/** Never a webhook's destination (IANA special-purpose registries; the metadata services sit in link-local and ULA). */
const REFUSED = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
  ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) REFUSED.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128], ['100::', 64], ['64:ff9b:1::', 48], ['::ffff:0:0:0', 96], ['2001::', 32], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) REFUSED.addSubnet(net, bits, 'ipv6');

const LOOPBACK_REFUSAL = 'a loopback address';
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** The IPv4 address an IPv6 one carries (compatible, NAT64 or 6to4; mapped ones are IPv4 already), if it carries one. */
function embeddedIPv4(words: number[]): string | undefined {
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (zero(0, 6) && (words[6] !== 0 || words[7] > 1)) return v4(words[6], words[7]);
  if (words[0] === 0x64 && words[1] === 0xff9b && zero(2, 6)) return v4(words[6], words[7]);
  if (words[0] === 0x2002) return v4(words[1], words[2]);
  return undefined;
}

/**
 * Why an address may not receive a webhook, or undefined when it may. Loopback passes only when
 * `allowLoopback` (test mode on a machine whose operator set `WEBHOOK_ALLOW_LOOPBACK=1`).
 */
export function addressRefusal(address: string, allowLoopback: boolean): string | undefined {
  // One spelling: IPv6 written out in full, IPv4-mapped IPv6 as the IPv4 address it maps.
  const ip = normalizeIp(address.replace(/^\[|\]$/g, ''));
  const family = isIP(ip);
  if (family === 0) return 'not an IP address';
  if (family === 6) {
    const inner = embeddedIPv4(ip.split(':').map((w) => parseInt(w, 16)));
    if (inner !== undefined) return addressRefusal(inner, allowLoopback);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (LOOPBACK.check(ip, type)) return allowLoopback ? undefined : LOOPBACK_REFUSAL;
  if (REFUSED.check(ip, type)) return 'a private, link-local or reserved address';
  return undefined;
}

/** A name that always means this machine, whatever DNS says. */
const loopbackName = (host: string) => /(^|\.)localhost\.?$/i.test(host);

/**
 * The URL's own problem, before any lookup: the scheme (live: https only; test: also http to
 * loopback when allowed), credentials in it, and a host that is a refused address or a name for
 * this machine.
 */
export function urlProblem(raw: string, mode: 'test' | 'live', allowLoopback: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Must be an absolute URL';
  }
  if (url.username || url.password) return 'Must not carry a user name or password';
  const loopbackOk = mode === 'test' && allowLoopback;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const isLoopback = loopbackName(host) || (isIP(host) !== 0 && addressRefusal(host, false) === LOOPBACK_REFUSAL);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback && loopbackOk)) {
    return mode === 'live' || !allowLoopback ? 'Must use https://' : 'Must use https://, or http:// to loopback (127.0.0.1, localhost) in test mode';
  }
  if (loopbackName(host)) return loopbackOk ? undefined : 'Must not point at this server (localhost)';
  if (isIP(host)) {
    const refusal = addressRefusal(host, loopbackOk);
    if (refusal) return `Must not point at ${refusal}`;
  }
  return undefined;
}

/**
 * The URL's problem including where its name resolves now. A name that does not resolve is let
 * through (the receiver may not exist yet); the send-time check judges it again.
 */
export async function destinationProblem(raw: string, mode: 'test' | 'live', allowLoopback: boolean, resolve: Resolve): Promise<string | undefined> {
  const problem = urlProblem(raw, mode, allowLoopback);
  if (problem) return problem;
  const host = new URL(raw).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) || loopbackName(host)) return undefined;
  const addresses = await resolve(host).catch(() => []);
  const refused = addresses.map((a) => addressRefusal(a.address, mode === 'test' && allowLoopback)).find(Boolean);
  return refused ? `Must not point at ${refused} (${host} resolves to one)` : undefined;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** Thrown (as a lookup error) when every address a name resolves to is refused. */
export class RefusedDestination extends Error {
  code = 'EREFUSEDDESTINATION';
}

/**
 * A `lookup` for `http.request` that answers only with addresses that passed: the socket connects
 * to what was checked. Fails with `RefusedDestination` when nothing passed.
 */
export function fencedLookup(allowLoopback: boolean, resolve: Resolve) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback) => {
    resolve(hostname).then((addresses) => {
      const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : Number(options.family ?? 0);
      const passed = addresses.filter((a) => (family === 0 || a.family === family) && addressRefusal(a.address, allowLoopback) === undefined);
      if (!passed.length) {
        callback(new RefusedDestination(`${hostname} resolves only to refused addresses`), options.all ? [] : '', 0);
        return;
      }
      if (options.all) callback(null, passed);
      else callback(null, passed[0].address, passed[0].family);
    }, (err: NodeJS.ErrnoException) => callback(err, options.all ? [] : '', 0));
  };
}
