// The first step of `npm test`: says what the run will use, and stops at once, with the one line
// to run, when there is no browser for the browser tests.
import { locateChrome } from './chrome.mjs';

const say = (line) => console.log(`[preflight] ${line}`);
const chrome = await locateChrome();
if (chrome.error) {
  console.error(chrome.error);
  process.exit(1);
}
say(`npm test: type check, slot engine, API on SQLite and on PostgreSQL, two instances, package, widget in Chromium, end to end (Node ${process.version})`);
say(`Chromium: ${chrome.path} (${chrome.via})`);
const [{ describePostgres }, { describeRedis }] = await Promise.all([import('./postgres.mjs'), import('./redis.mjs')]);
const [postgres, redis] = await Promise.all([describePostgres(), describeRedis()]);
say(postgres);
say(redis);
