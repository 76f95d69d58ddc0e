import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import { escapeHtml as esc } from './html.ts';

const NAME = /^[A-Za-z0-9_-]+$/;

interface Summary { id: string; to: string; subject: string; text: string; html?: string; sent_at: string; attachments: string[] }

async function summaries(dir: string): Promise<(Summary & { name: string })[]> {
  const files = await readdir(dir).catch(() => [] as string[]);
  const out = await Promise.all(files.filter((f) => f.endsWith('.json')).map(async (f) => {
    try {
      return { ...(JSON.parse(await readFile(join(dir, f), 'utf8')) as Summary), name: f.slice(0, -5) };
    } catch {
      return undefined;
    }
  }));
  return out.filter((s) => s !== undefined).sort((a, b) => b.sent_at.localeCompare(a.sent_at));
}

const page = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<link rel="stylesheet" href="/demo/shop.css"></head><body><main class="mailbox"><h1>${esc(title)}</h1>${body}</main></body></html>`;

/**
 * The demo's mailbox: the emails the server wrote as `.eml` files (no SMTP server set), newest
 * first, each readable and downloadable. Mounted by `npm start` only.
 */
export function mailboxRoutes(app: Hono<AppEnv>, dir: string) {
  app.get('/demo/mailbox', async (c) => {
    const list = await summaries(dir);
    const rows = list.map((m) => `<li><a href="/demo/mailbox/${m.name}"><strong>${esc(m.subject)}</strong></a><br><small>to ${esc(m.to)} · ${esc(m.sent_at)}</small></li>`).join('');
    return c.html(page('Mailbox', list.length ? `<p>${list.length} emails, newest first. <a href="/">Back to the shop</a></p><ul>${rows}</ul>` : '<p>No emails yet. Book something on <a href="/">the shop page</a>.</p>'));
  });
  app.get('/demo/mailbox/:name', async (c) => {
    const name = c.req.param('name').replace(/\.eml$/, '');
    if (!NAME.test(name)) return c.notFound();
    if (c.req.param('name').endsWith('.eml')) {
      const raw = await readFile(join(dir, `${name}.eml`)).catch(() => undefined);
      if (!raw) return c.notFound();
      return c.body(raw, 200, { 'content-type': 'message/rfc822', 'content-disposition': `attachment; filename="${name}.eml"` });
    }
    const m = (await summaries(dir)).find((s) => s.name === name);
    if (!m) return c.notFound();
    // The HTML part as the customer's mail app shows it, beside the text. Safely: in a sandboxed
    // frame (no scripts, an opaque origin) from srcdoc, its links opening in a new tab, and the
    // page's policy allows no script at all (the frame inherits it).
    const frame = m.html
      ? `<iframe class="mail" title="The email as HTML" sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="${esc(m.html.replace(/<head>|<html[^>]*>/i, (t) => `${t}<base target="_blank">`))}"></iframe>`
      : '';
    c.header('Content-Security-Policy', "script-src 'none'; object-src 'none'; form-action 'none'");
    return c.html(page(m.subject, `<p><small>to ${esc(m.to)} · ${esc(m.sent_at)}</small></p><div class="mail-views">${frame}<pre class="mail">${esc(m.text)}</pre></div>
<p>Attachments: ${m.attachments.map(esc).join(', ') || 'none'} · <a href="/demo/mailbox/${name}.eml">download the .eml</a> · <a href="/demo/mailbox">all emails</a></p>`));
  });
}
