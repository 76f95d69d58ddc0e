import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { AdminBooking, Booking } from '../../contract/index.ts';
import type { NotifyConfig } from '../config.ts';
import type { BusinessRow } from '../store/schema.ts';
import { icsFor } from './ics.ts';
import { fill, mailText } from './messages.ts';
import type { EmailKind, MailInput } from './outbox.ts';
import { escapeHtml as esc } from '../http/html.ts';

export interface MailContext { business: BusinessRow; serviceName: string; staffName: string }

/**
 * `to` and `replyTo` are one bare address each, and `toName` the display name beside `to`: they
 * reach nodemailer as `{ name, address }` objects, never as a header string built here, so an
 * address with specials in it (`postmaster>,eve@evil.example`, stored before the contract refused
 * it) is one recipient, however odd, and cannot name another (security review issue 14).
 * `from` is the operator's MAIL_FROM, as configured.
 */
export interface ComposedMail {
  messageId: string; from: string; to: string; toName?: string | undefined; replyTo?: string | undefined; subject: string; text: string; html: string;
  headers: Record<string, string>; attachments: { filename: string; content: string; contentType: string }[];
}


/**
 * The invitation's ORGANIZER: the business, at the address that reaches it (notification_email,
 * else reply_to), else the address the mail comes from (MAIL_FROM's), so RFC 5546's REQUEST
 * always has one.
 */
function organizerAddress(business: BusinessRow, cfg: NotifyConfig): string {
  if (business.notification_email) return business.notification_email;
  if (business.reply_to) return business.reply_to;
  const angle = /<([^<>]+)>\s*$/.exec(cfg.from);
  return (angle ? angle[1] : cfg.from).trim();
}

/**
 * One email, in the booking's language and time zone (what the customer chose in the widget);
 * the merchant's notices use the business's zone. The Message-ID is the outbox message's own,
 * so a message sent twice (at-least-once delivery) is recognisably one.
 */
export function compose(id: string, kind: EmailKind, p: MailInput, ctx: MailContext, cfg: NotifyConfig, locale: string | null, now: number): ComposedMail {
  const b: Booking | AdminBooking = p.booking;
  const merchant = kind.startsWith('merchant_');
  const { lang, t } = mailText(merchant ? null : locale);
  const zone = merchant ? ctx.business.timezone : b.timezone;
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'short', timeZone: zone }).format(new Date(b.start));
  const vars = { service: ctx.serviceName, date, customer: b.customer.name, business: ctx.business.name };
  const subject = fill(t.subject[kind], vars).replace(/[\r\n]+/g, ' ');
  const rows: [string, string][] = [
    [t.when, `${date} (${zone})`], [t.service, ctx.serviceName], [t.with, ctx.staffName],
    ...(merchant ? [[t.customer, [b.customer.name, b.customer.email, b.customer.phone].filter(Boolean).join(', ')] as [string, string]] : []),
    ...(b.notes ? [[t.notes, b.notes] as [string, string]] : []),
    // Where the customer came from (utm_source and the like), for the merchant only; one line each.
    ...(merchant && 'metadata' in b ? Object.entries(b.metadata).map(([k, v]) => [k, v.replace(/\p{Cc}+/gu, ' ')] as [string, string]) : []),
  ];
  const link = merchant ? null : p.manage_url;
  // The customer's calendar gets the invitation, and on cancellation the CANCEL that removes it.
  const withIcs = !merchant;
  const text = [
    fill(t.lead[kind], vars), '',
    ...rows.map(([k, v]) => `${k}: ${v}`), '',
    ...(link ? [`${t.manage}: ${link}`, t.manageHint, ''] : []),
    ...(withIcs && kind !== 'cancelled' ? [t.attachment, ''] : []),
    fill(t.footer, vars),
  ].join('\n');
  const html = `<!doctype html><html lang="${esc(lang)}" dir="${t.dir}"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2937">`
    + `<p>${esc(fill(t.lead[kind], vars))}</p><table role="presentation" cellpadding="4">`
    + rows.map(([k, v]) => `<tr><th align="start" style="text-align:start;color:#5b6472">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')
    + '</table>'
    + (link ? `<p><a href="${esc(link)}" style="color:#4f46e5">${esc(t.manage)}</a><br><small>${esc(t.manageHint)}</small></p>` : '')
    + `<p><small>${esc(fill(t.footer, vars))}</small></p></body></html>`;
  const method = kind === 'cancelled' ? 'CANCEL' : 'REQUEST';
  const ics = icsFor({
    uid: `${b.id}@booking-api`, startMs: Date.parse(b.start), endMs: Date.parse(b.end), zone, stampMs: now,
    summary: `${ctx.serviceName} · ${ctx.business.name}`, url: link, cancelled: kind === 'cancelled',
    // Raised by each change of the booking (written with the change), so a later change replaces
    // the earlier invitation in the customer's calendar even within one second.
    sequence: p.sequence,
    organizer: { name: ctx.business.name, email: organizerAddress(ctx.business, cfg) },
    attendee: { name: b.customer.name, email: b.customer.email },
  });
  return {
    messageId: `<${id}@booking-api>`, from: cfg.from,
    to: merchant ? ctx.business.notification_email! : b.customer.email,
    toName: merchant ? undefined : b.customer.name,
    replyTo: merchant ? undefined : ctx.business.reply_to ?? undefined,
    subject, text, html,
    headers: { 'X-Booking-Id': b.id, 'Auto-Submitted': 'auto-generated' },
    attachments: withIcs ? [{ filename: 'booking.ics', content: ics, contentType: `text/calendar; charset=utf-8; method=${method}` }] : [],
  };
}

export interface Mailer { send(mail: ComposedMail): Promise<void>; close(): void }

const DOT_ATOM = /^[\w!#$%&'*+/=?^`{|}~\u0080-\uffff-]+(?:\.[\w!#$%&'*+/=?^`{|}~\u0080-\uffff-]+)*$/;
const QUOTED = /^"(?:[^"\\]|\\.)*"$/;
/**
 * The address as one addr-spec: a local part that is not a dot-atom goes in quotes (RFC 5322
 * 3.4.1), so that no reader of the header takes its specials for separators (`a;b:c@x` would read
 * as a group holding `c@x`).
 */
function addrSpec(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  return at < 1 || DOT_ATOM.test(local) || QUOTED.test(local) ? address : `"${local.replace(/["\\]/g, '\\$&')}"${address.slice(at)}`;
}
// Address objects, never strings: nodemailer takes each as one address and does not parse it for more.
const message = (m: ComposedMail): SendMailOptions => ({
  messageId: m.messageId, from: m.from, to: { name: m.toName ?? '', address: addrSpec(m.to) }, subject: m.subject, text: m.text, html: m.html, headers: m.headers,
  attachments: m.attachments, ...(m.replyTo ? { replyTo: { name: '', address: addrSpec(m.replyTo) } } : {}),
});
/** How the demo's mailbox shows the recipient. */
const shown = (m: ComposedMail) => (m.toName ? `"${m.toName.replace(/["\\\r\n]/g, '')}" <${m.to}>` : m.to);

/** SMTP when `SMTP_URL` is set; otherwise each email becomes an `.eml` file in `dir` (the demo's mailbox). */
export function mailerFor(cfg: NotifyConfig, dir: string): Mailer {
  if (cfg.smtpUrl) {
    const url = new URL(cfg.smtpUrl);
    const secure = url.protocol === 'smtps:';
    const transport = nodemailer.createTransport({
      host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) || (secure ? 465 : 587), secure,
      ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
      // Well inside the worker's lease on an email, so a hung server cannot outlast it.
      connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000,
    });
    return { send: async (m) => void (await transport.sendMail(message(m))), close: () => transport.close() };
  }
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    async send(m) {
      const info = await composer.sendMail(message(m));
      await mkdir(dir, { recursive: true });
      // Named by the message id, so a second delivery of one message rewrites its own file.
      const name = m.messageId.slice(1, m.messageId.indexOf('@'));
      // Each file appears whole or not at all (written aside, then renamed): a reader never sees half an email.
      const put = async (file: string, data: string | Buffer) => {
        const tmp = join(dir, `.${file}.tmp`);
        await writeFile(tmp, data);
        await rename(tmp, join(dir, file));
      };
      await put(`${name}.eml`, info.message as Buffer);
      // A readable summary beside it, for the demo's mailbox page.
      const summary = { id: m.messageId, to: shown(m), subject: m.subject, text: m.text, html: m.html, sent_at: new Date().toISOString(), attachments: m.attachments.map((a) => a.filename) };
      await put(`${name}.json`, JSON.stringify(summary, null, 2));
    },
    close: () => composer.close(),
  };
}
