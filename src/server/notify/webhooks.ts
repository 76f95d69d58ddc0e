import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomToken } from '../auth/tokens.ts';
import { RefusedDestination, fencedLookup, urlProblem, type Resolve } from './fence.ts';

/** A new endpoint's signing secret: `whsec_` and 24 random bytes, base64 (as Standard Webhooks writes them). */
export const newWebhookSecret = () => `whsec_${Buffer.from(randomToken(24), 'base64url').toString('base64')}`;

/**
 * `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed with the secret's bytes (the part
 * after `whsec_`, base64-decoded): the Standard Webhooks scheme, so its libraries verify it too.
 */
export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export interface Attempt {
  statusCode: number | null; durationMs: number; error: string | null; excerpt: string | null; ok: boolean;
  /** No retry can help (the endpoint is gone, switched off, or a refused destination): the message fails now. */
  final?: boolean;
}

const EXCERPT = 200;

/** Where an attempt may connect: loopback only when allowed, names resolved by `resolve`. */
export interface Fence { mode: 'test' | 'live'; allowLoopback: boolean; resolve: Resolve }

/**
 * One delivery attempt. The destination is checked again now (the URL, then each address its
 * name resolves to, at the socket: see `fence.ts`); a refused one is recorded as refused, with no
 * answer read. Redirects are never followed (a 3xx is a failure, so an endpoint cannot bounce
 * signed events elsewhere); the attempt is cut after `timeoutMs`.
 */
export async function deliverWebhook(url: string, secret: string, eventId: string, body: string, timeoutMs: number, nowMs: number, fence: Fence): Promise<Attempt> {
  const timestamp = Math.floor(nowMs / 1000);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const allowLoopback = fence.mode === 'test' && fence.allowLoopback;
  const refused = (why: string): Attempt => ({ statusCode: null, durationMs: elapsed(), error: `refused destination: ${why}`, excerpt: null, ok: false, final: true });
  const problem = urlProblem(url, fence.mode, fence.allowLoopback);
  if (problem) return refused(problem);
  const target = new URL(url);
  try {
    const res = await post(target, body, {
      'content-type': 'application/json', 'user-agent': 'booking-api-webhooks/1', 'content-length': String(Buffer.byteLength(body)),
      'webhook-id': eventId, 'webhook-timestamp': String(timestamp), 'webhook-signature': sign(secret, eventId, timestamp, body),
    }, fencedLookup(allowLoopback, fence.resolve), timeoutMs);
    const ok = res.status >= 200 && res.status < 300;
    const error = ok ? null : res.status >= 300 && res.status < 400 ? `redirect to ${res.location ?? '?'} not followed` : `HTTP ${res.status}`;
    return { statusCode: res.status, durationMs: elapsed(), error, excerpt: res.excerpt, ok };
  } catch (err) {
    if (err instanceof RefusedDestination) return refused(err.message);
    const e = err as Error & { code?: string };
    const error = e.name === 'TimeoutError' || e.name === 'AbortError' ? `timed out after ${timeoutMs} ms` : `could not connect: ${e.code ?? e.message}`;
    return { statusCode: null, durationMs: elapsed(), error, excerpt: null, ok: false };
  }
}

/**
 * POSTs with `node:http(s)` rather than `fetch`, because only they take a `lookup`: the socket
 * connects to an address the fence passed. Reads at most the excerpt's worth of the answer.
 */
function post(url: URL, body: string, headers: Record<string, string>, lookup: ReturnType<typeof fencedLookup>, timeoutMs: number) {
  return new Promise<{ status: number; location: string | undefined; excerpt: string | null }>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers, lookup, agent: false, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => {
        res.destroy();
        const text = Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT);
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, excerpt: text || null });
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= EXCERPT * 4) finish();
      });
      res.on('end', finish);
      res.on('error', finish);
    });
    req.on('error', reject);
    req.end(body);
  });
}
