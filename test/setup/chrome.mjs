// The Chromium that the browser tests (web-test-runner, test/e2e) and the paint bench drive:
// CHROME_PATH when set, else Debian's or Google's usual paths, else the one Playwright installed
// (`npx playwright install chromium`). `node test/setup/chrome.mjs` prints the one it finds, or
// the one line to run, and exits non-zero when there is none.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROME_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
];

export const NO_CHROME = 'No Chromium found: run `sudo apt-get install -y chromium` (Debian/Ubuntu) or `npx playwright install chromium`, or set CHROME_PATH.';

/** Flags for every launch: headless on a machine without GPU or sandbox, and no calls home. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const executable = (path) => {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Where `npx playwright install` puts browsers by default (PLAYWRIGHT_BROWSERS_PATH moves it). */
function playwrightCache() {
  if (platform() === 'darwin') return join(homedir(), 'Library', 'Caches', 'ms-playwright');
  if (platform() === 'win32') return join(process.env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), 'ms-playwright');
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'ms-playwright');
}

/** playwright-core's own Chromium (`npx playwright install chromium`), when it is installed. */
async function playwrightChromium() {
  // Loading playwright-core takes a second: only when something may be installed.
  if (!process.env.PLAYWRIGHT_BROWSERS_PATH && !existsSync(playwrightCache())) return undefined;
  try {
    const { chromium } = await import('playwright-core');
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}

/**
 * Where Chromium is and how it was found: `{ path, via }`, or `{ error }` with the one line to
 * show. `candidates` and `playwright` are there for tests of this function.
 */
export async function locateChrome({ env = process.env, candidates = CHROME_CANDIDATES, playwright = playwrightChromium } = {}) {
  if (env.CHROME_PATH) {
    if (executable(env.CHROME_PATH)) return { path: env.CHROME_PATH, via: 'CHROME_PATH' };
    return { error: `CHROME_PATH=${env.CHROME_PATH} is not an executable file: point it at Chromium or Chrome, or unset it to search the usual paths.` };
  }
  for (const path of candidates) if (executable(path)) return { path, via: 'the usual paths' };
  const own = await playwright();
  if (own && executable(own)) return { path: own, via: "Playwright's installed browser" };
  return { error: NO_CHROME };
}

/** The Chromium executable's path; throws an Error whose message is the one line to show. */
export async function findChrome(options) {
  const found = await locateChrome(options);
  if (found.error) throw new Error(found.error);
  return found.path;
}

/** For configs and scripts: the path, or the one line on stderr and exit 1 at once. */
export async function chromeOrExit(options) {
  const found = await locateChrome(options);
  if (found.error) {
    console.error(found.error);
    process.exit(1);
  }
  return found.path;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const found = await locateChrome();
  if (found.error) {
    console.error(found.error);
    process.exit(1);
  }
  console.log(`Chromium: ${found.path} (${found.via})`);
}
