import { randomInt } from 'node:crypto';
import type { NotifyConfig } from '../config.ts';
import { hashToken, newId, randomToken } from '../auth/tokens.ts';
import type { Tx } from '../store/db.ts';
import type { BusinessRow, CustomerRow, CustomerSecretRow } from '../store/schema.ts';
import { escapeHtml as esc } from '../http/html.ts';
import { localeOf } from '../../contract/locales.ts';
import type { ComposedMail } from './email.ts';
import { fill } from './messages.ts';

/**
 * The mails of customer accounts (decision 012), through the same outbox as booking mails: the
 * row names the account (in `booking_id`, which orders one recipient's mails) and where links
 * lead; the link's token or the code is made when the mail is sent, and only its digest is kept,
 * so neither the outbox nor a backup of it can confirm, reset or sign in anything.
 */
export type AccountMailKind = 'account_verify' | 'account_exists' | 'account_reset' | 'account_code';
export interface AccountMailPayload { link: string | null }

export const isAccountMail = (kind: string): kind is AccountMailKind => kind.startsWith('account_');

const TTL: Record<'verify' | 'reset' | 'code', number> = { verify: 24 * 3600_000, reset: 3600_000, code: 10 * 60_000 };

export async function queueAccountMail(tx: Tx, now: number, c: CustomerRow, kind: AccountMailKind, link: string | null): Promise<void> {
  const last = await tx.selectFrom('outbox').select((eb) => eb.fn.max('seq').as('seq')).where('business_id', '=', c.business_id).executeTakeFirst();
  await tx.insertInto('outbox').values({
    id: newId('msg'), business_id: c.business_id, mode: c.mode, seq: Number(last?.seq ?? 0) + 1, channel: 'email', webhook_id: null,
    booking_id: c.id, event_id: newId('evt'), kind, payload: JSON.stringify({ link } satisfies AccountMailPayload),
    status: 'pending', attempts: 0, next_attempt_ms: now, locked_until_ms: 0, created_at: now, delivered_at: null,
  }).execute();
}

/** Makes the mail's secret now and keeps its digest: a link token (verify, reset) or a 6-digit code. */
export async function issueSecret(db: Tx, c: CustomerRow, kind: AccountMailKind, now: number): Promise<string | null> {
  const purpose = kind === 'account_verify' ? 'verify' : kind === 'account_reset' ? 'reset' : kind === 'account_code' ? 'code' : null;
  if (!purpose) return null;
  const secret = purpose === 'code' ? String(randomInt(0, 1_000_000)).padStart(6, '0') : `${purpose === 'verify' ? 'ev' : 'pr'}_${randomToken(24)}`;
  const hash = purpose === 'code' ? hashToken(`code:${c.id}:${secret}`) : hashToken(secret);
  // A new code replaces the one before it: only the newest is ever accepted.
  if (purpose === 'code') await db.updateTable('customer_secrets').set({ used_at: now }).where('customer_id', '=', c.id).where('purpose', '=', 'code').where('used_at', 'is', null).execute();
  const row: CustomerSecretRow = { hash, customer_id: c.id, purpose, expires_ms: now + TTL[purpose], used_at: null, attempts: 0, created_at: now };
  await db.insertInto('customer_secrets').values(row).execute();
  return secret;
}

interface Text { subject: string; lead: string; action: string; hint: string; footer: string; dir: 'ltr' | 'rtl' }
const T: Record<'en' | 'de' | 'ar', Record<AccountMailKind, Omit<Text, 'footer' | 'dir'>> & { footer: string; dir: 'ltr' | 'rtl' }> = {
  en: {
    dir: 'ltr', footer: 'Sent by {business}. If you did not ask for this, you can ignore this email.',
    account_verify: { subject: 'Confirm your email for {business}', lead: 'Hello {name}, please confirm your email address to finish creating your account at {business}.', action: 'Confirm my email', hint: 'The link works once, for 24 hours, in a browser where you are signed in.' },
    account_exists: { subject: 'Your account at {business}', lead: 'Hello, someone (perhaps you) tried to create an account at {business} with this email address, which already has one. Sign in with your password, or reset it if you have forgotten it.', action: 'Go to the booking page', hint: '' },
    account_reset: { subject: 'Reset your password for {business}', lead: 'Hello {name}, use this link to choose a new password for your account at {business}. Every device signed in to your account will be signed out.', action: 'Choose a new password', hint: 'The link works once, for 1 hour.' },
    account_code: { subject: 'Your sign-in code for {business}: {code}', lead: 'Hello {name}, your sign-in code is {code}.', action: '', hint: 'It works once, for 10 minutes. Never share it.' },
  },
  de: {
    dir: 'ltr', footer: 'Gesendet von {business}. Wenn Sie das nicht angefordert haben, können Sie diese E-Mail ignorieren.',
    account_verify: { subject: 'Bestätigen Sie Ihre E-Mail-Adresse für {business}', lead: 'Hallo {name}, bitte bestätigen Sie Ihre E-Mail-Adresse, um Ihr Konto bei {business} fertig anzulegen.', action: 'E-Mail-Adresse bestätigen', hint: 'Der Link gilt einmal, 24 Stunden lang, in einem Browser, in dem Sie angemeldet sind.' },
    account_exists: { subject: 'Ihr Konto bei {business}', lead: 'Hallo, jemand (vielleicht Sie) wollte bei {business} ein Konto mit dieser E-Mail-Adresse anlegen, zu der es schon eines gibt. Melden Sie sich mit Ihrem Passwort an oder setzen Sie es zurück, wenn Sie es vergessen haben.', action: 'Zur Buchungsseite', hint: '' },
    account_reset: { subject: 'Passwort für {business} zurücksetzen', lead: 'Hallo {name}, mit diesem Link wählen Sie ein neues Passwort für Ihr Konto bei {business}. Alle angemeldeten Geräte werden abgemeldet.', action: 'Neues Passwort wählen', hint: 'Der Link gilt einmal, 1 Stunde lang.' },
    account_code: { subject: 'Ihr Anmeldecode für {business}: {code}', lead: 'Hallo {name}, Ihr Anmeldecode lautet {code}.', action: '', hint: 'Er gilt einmal, 10 Minuten lang. Geben Sie ihn nie weiter.' },
  },
  ar: {
    dir: 'rtl', footer: 'أرسلها {business}. إذا لم تطلب ذلك، يمكنك تجاهل هذه الرسالة.',
    account_verify: { subject: 'أكّد بريدك الإلكتروني لدى {business}', lead: 'مرحبًا {name}، يرجى تأكيد بريدك الإلكتروني لإكمال إنشاء حسابك لدى {business}.', action: 'تأكيد بريدي الإلكتروني', hint: 'يعمل الرابط مرة واحدة لمدة 24 ساعة، في متصفح سجّلت الدخول فيه.' },
    account_exists: { subject: 'حسابك لدى {business}', lead: 'مرحبًا، حاول شخص ما (ربما أنت) إنشاء حساب لدى {business} بهذا البريد الإلكتروني، وله حساب بالفعل. سجّل الدخول بكلمة مرورك، أو أعد تعيينها إن نسيتها.', action: 'الذهاب إلى صفحة الحجز', hint: '' },
    account_reset: { subject: 'إعادة تعيين كلمة المرور لدى {business}', lead: 'مرحبًا {name}، استخدم هذا الرابط لاختيار كلمة مرور جديدة لحسابك لدى {business}. سيتم تسجيل الخروج من كل الأجهزة.', action: 'اختيار كلمة مرور جديدة', hint: 'يعمل الرابط مرة واحدة لمدة ساعة.' },
    account_code: { subject: 'رمز تسجيل الدخول لدى {business}: {code}', lead: 'مرحبًا {name}، رمز تسجيل الدخول هو {code}.', action: '', hint: 'يعمل مرة واحدة لمدة 10 دقائق. لا تشاركه أبدًا.' },
  },
};

/** `<link>?bw_verify=<token>` or `?bw_reset=<token>`, keeping the page's own query. */
function withToken(link: string | null, kind: AccountMailKind, secret: string | null): string | null {
  if (!link) return null;
  const url = new URL(link);
  url.searchParams.delete('bw_verify');
  url.searchParams.delete('bw_reset');
  if (kind === 'account_verify' && secret) url.searchParams.set('bw_verify', secret);
  if (kind === 'account_reset' && secret) url.searchParams.set('bw_reset', secret);
  return url.toString();
}

/** One account mail, in the customer's language. */
export function composeAccountMail(id: string, kind: AccountMailKind, c: CustomerRow, business: BusinessRow, link: string | null, secret: string | null, cfg: NotifyConfig): ComposedMail {
  const lang = localeOf(c.locale);
  const t = T[lang];
  const m = t[kind];
  const vars = { business: business.name, name: c.name, code: kind === 'account_code' ? secret ?? '' : '' };
  const url = withToken(link, kind, secret);
  const lead = fill(m.lead, vars);
  const hint = fill(m.hint, vars);
  const text = [lead, '', ...(url && m.action ? [`${m.action}: ${url}`, ''] : []), ...(hint ? [hint, ''] : []), fill(t.footer, vars)].join('\n');
  const html = `<!doctype html><html lang="${esc(lang)}" dir="${t.dir}"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2937">`
    + `<p>${esc(lead)}</p>`
    + (url && m.action ? `<p><a href="${esc(url)}" style="color:#4f46e5">${esc(m.action)}</a></p>` : '')
    + (hint ? `<p><small>${esc(hint)}</small></p>` : '')
    + `<p><small>${esc(fill(t.footer, vars))}</small></p></body></html>`;
  return {
    messageId: `<${id}@booking-api>`, from: cfg.from, to: c.email, toName: kind === 'account_exists' ? undefined : c.name, replyTo: business.reply_to ?? undefined,
    subject: fill(m.subject, vars).replace(/[\r\n]+/g, ' '), text, html,
    headers: { 'Auto-Submitted': 'auto-generated' }, attachments: [],
  };
}
