// Redis for the Redis-only tests: TEST_REDIS_URL, default redis://127.0.0.1:6379. Outside CI a
// run without a reachable Redis skips those tests with the reason printed; in CI (CI set) they
// run, and fail, as before.
//   describe('…', { skip: await redisSkip() }, () => { … })
//   node test/setup/redis.mjs        prints what a run would do
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const redisUrl = () => process.env.TEST_REDIS_URL || DEFAULT_REDIS_URL;
const redact = (url) => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

/** Whether Redis answers PING at `url`: `{ ok: true }` or `{ ok: false, reason }`. */
export async function probeRedis(url = redisUrl(), timeoutMs = 2000) {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  let last;
  redis.on('error', (err) => (last = err));
  try {
    await redis.connect();
    await redis.ping();
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: (last ?? err).message };
  } finally {
    redis.disconnect();
  }
}

/**
 * For node:test's `skip`: false when Redis answers at `url` or when CI is set (then the tests
 * run and fail without it); else the reason, which is also printed.
 */
export async function redisSkip(url = redisUrl()) {
  if (process.env.CI) return false;
  const probe = await probeRedis(url);
  if (probe.ok) return false;
  const reason = `no Redis at ${redact(url)} (${probe.reason}); start Redis or set TEST_REDIS_URL to run the Redis-only tests (in CI they fail instead)`;
  console.log(`skipping Redis-only tests: ${reason}`);
  return reason;
}

/** One line for the preflight. */
export async function describeRedis(url = redisUrl()) {
  const probe = await probeRedis(url);
  if (probe.ok) return `Redis: ${redact(url)} answers; the Redis-only tests use it`;
  if (process.env.CI) return `Redis: nothing answers at ${redact(url)} (${probe.reason}); CI is set, so the Redis-only tests will fail`;
  return `Redis: nothing answers at ${redact(url)} (${probe.reason}); the Redis-only tests will be skipped (start Redis or set TEST_REDIS_URL to run them)`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) console.log(await describeRedis());
