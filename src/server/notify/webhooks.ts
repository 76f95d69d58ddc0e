import { createHmac } from 'node:crypto';
import { randomToken } from '../auth/tokens.ts';

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
  /** No retry can help (the endpoint is gone or switched off): the message fails now. */
  final?: boolean;
}

const EXCERPT = 200;

/** Reads at most the excerpt's worth of the answer, then lets the rest go. */
async function excerptOf(res: Response): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT * 4) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  const text = Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT);
  return text || null;
}

/**
 * One delivery attempt. Redirects are never followed (a 3xx is a failure, so an endpoint cannot
 * bounce signed events elsewhere); the attempt is cut after `timeoutMs`.
 */
export async function deliverWebhook(url: string, secret: string, eventId: string, body: string, timeoutMs: number, nowMs: number): Promise<Attempt> {
  const timestamp = Math.floor(nowMs / 1000);
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST', body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json', 'user-agent': 'booking-api-webhooks/1',
        'webhook-id': eventId, 'webhook-timestamp': String(timestamp), 'webhook-signature': sign(secret, eventId, timestamp, body),
      },
    });
    const excerpt = await excerptOf(res).catch(() => null);
    const ok = res.status >= 200 && res.status < 300;
    const error = ok ? null : res.status >= 300 && res.status < 400 ? `redirect to ${res.headers.get('location') ?? '?'} not followed` : `HTTP ${res.status}`;
    return { statusCode: res.status, durationMs: Math.round(performance.now() - started), error, excerpt, ok };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const error = e.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : `could not connect: ${e.cause?.code ?? e.message}`;
    return { statusCode: null, durationMs: Math.round(performance.now() - started), error, excerpt: null, ok: false };
  }
}

/**
 * Live endpoints must be https; test mode may also use http to loopback (a receiver on the
 * developer's machine). Anything else is refused when the endpoint is saved.
 */
export function webhookUrlProblem(raw: string, mode: 'test' | 'live'): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Must be an absolute URL';
  }
  if (url.username || url.password) return 'Must not carry a user name or password';
  if (url.protocol === 'https:') return undefined;
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol === 'http:' && loopback && mode === 'test') return undefined;
  return mode === 'live' ? 'Live endpoints must use https://' : 'Must use https://, or http:// to loopback (127.0.0.1, localhost) in test mode';
}
