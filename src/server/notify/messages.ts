import { localeOf, type Locale } from '../../contract/locales.ts';
import type { EmailKind } from './outbox.ts';

/** What the emails say, per language; `{…}` are filled in by the composer. */
export interface MailText {
  dir: 'ltr' | 'rtl';
  subject: Record<EmailKind, string>;
  lead: Record<EmailKind, string>;
  when: string; service: string; with: string; customer: string; notes: string;
  manage: string; manageHint: string; attachment: string; footer: string;
}

const en: MailText = {
  dir: 'ltr',
  subject: {
    confirmation: 'Booked: {service} on {date}', rescheduled: 'Moved: {service} is now on {date}',
    cancelled: 'Cancelled: {service} on {date}', reminder: 'Reminder: {service} on {date}',
    merchant_new: 'New booking: {customer}, {service} on {date}', merchant_changed: 'Booking moved: {customer}, {service} now on {date}',
    merchant_cancelled: 'Booking cancelled: {customer}, {service} on {date}',
  },
  lead: {
    confirmation: 'Hello {customer}, your booking at {business} is confirmed.',
    rescheduled: 'Hello {customer}, your booking at {business} has moved to a new time.',
    cancelled: 'Hello {customer}, your booking at {business} is cancelled.',
    reminder: 'Hello {customer}, a reminder of your booking at {business}.',
    merchant_new: 'A customer booked through your booking page.',
    merchant_changed: 'A customer moved their booking.',
    merchant_cancelled: 'A customer cancelled their booking.',
  },
  when: 'When', service: 'Service', with: 'With', customer: 'Customer', notes: 'Notes',
  manage: 'View, move or cancel your booking', manageHint: 'Keep this link to yourself: it opens your booking.',
  attachment: 'The attached invitation adds it to your calendar.', footer: 'Sent by {business}.',
};

const de: MailText = {
  dir: 'ltr',
  subject: {
    confirmation: 'Gebucht: {service} am {date}', rescheduled: 'Verschoben: {service} jetzt am {date}',
    cancelled: 'Storniert: {service} am {date}', reminder: 'Erinnerung: {service} am {date}',
    merchant_new: 'Neue Buchung: {customer}, {service} am {date}', merchant_changed: 'Buchung verschoben: {customer}, {service} jetzt am {date}',
    merchant_cancelled: 'Buchung storniert: {customer}, {service} am {date}',
  },
  lead: {
    confirmation: 'Hallo {customer}, Ihre Buchung bei {business} ist bestätigt.',
    rescheduled: 'Hallo {customer}, Ihre Buchung bei {business} wurde auf einen neuen Termin verschoben.',
    cancelled: 'Hallo {customer}, Ihre Buchung bei {business} ist storniert.',
    reminder: 'Hallo {customer}, wir erinnern Sie an Ihre Buchung bei {business}.',
    merchant_new: 'Über Ihre Buchungsseite wurde gebucht.',
    merchant_changed: 'Eine Buchung wurde verschoben.',
    merchant_cancelled: 'Eine Buchung wurde storniert.',
  },
  when: 'Wann', service: 'Leistung', with: 'Bei', customer: 'Kunde', notes: 'Notizen',
  manage: 'Buchung ansehen, verschieben oder stornieren', manageHint: 'Geben Sie diesen Link nicht weiter: Er öffnet Ihre Buchung.',
  attachment: 'Mit der angehängten Einladung tragen Sie den Termin in Ihren Kalender ein.', footer: 'Gesendet von {business}.',
};

const ar: MailText = {
  dir: 'rtl',
  subject: {
    confirmation: 'تم الحجز: {service} في {date}', rescheduled: 'تم النقل: {service} أصبح في {date}',
    cancelled: 'تم الإلغاء: {service} في {date}', reminder: 'تذكير: {service} في {date}',
    merchant_new: 'حجز جديد: {customer}، {service} في {date}', merchant_changed: 'تم نقل حجز: {customer}، {service} في {date}',
    merchant_cancelled: 'تم إلغاء حجز: {customer}، {service} في {date}',
  },
  lead: {
    confirmation: 'مرحبًا {customer}، تم تأكيد حجزك لدى {business}.',
    rescheduled: 'مرحبًا {customer}، تم نقل حجزك لدى {business} إلى موعد جديد.',
    cancelled: 'مرحبًا {customer}، تم إلغاء حجزك لدى {business}.',
    reminder: 'مرحبًا {customer}، هذا تذكير بحجزك لدى {business}.',
    merchant_new: 'حجز عميل عبر صفحة الحجز.',
    merchant_changed: 'نقل عميل حجزه.',
    merchant_cancelled: 'ألغى عميل حجزه.',
  },
  when: 'الموعد', service: 'الخدمة', with: 'مع', customer: 'العميل', notes: 'ملاحظات',
  manage: 'عرض الحجز أو نقله أو إلغاؤه', manageHint: 'احتفظ بهذا الرابط لنفسك: فهو يفتح حجزك.',
  attachment: 'الدعوة المرفقة تضيف الموعد إلى تقويمك.', footer: 'أرسلها {business}.',
};

const tables: Record<Locale, MailText> = { en, de, ar };

/** The table for a language tag (`de-AT` → German), English when there is none. */
export function mailText(locale: string | null | undefined): { lang: string; t: MailText } {
  const lang = localeOf(locale);
  return lang === 'en' && !locale?.toLowerCase().startsWith('en') ? { lang: 'en', t: en } : { lang: locale ?? 'en', t: tables[lang] };
}

export const fill = (template: string, vars: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
