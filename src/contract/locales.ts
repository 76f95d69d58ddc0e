/**
 * The languages the product speaks: the widget's message tables (src/widget/i18n), the emails'
 * (src/server/notify/messages.ts) and the tests that go through each. English is the fallback.
 * A new locale is added here first; the type checker then names every table that lacks it.
 */
export const LOCALES = ['en', 'de', 'ar'] as const;
export type Locale = (typeof LOCALES)[number];

/** The supported language of a BCP 47 tag ("de-AT" → "de"), English when there is none closer. */
export function localeOf(tag: string | null | undefined): Locale {
  const lang = (tag ?? '').toLowerCase().split('-')[0];
  return (LOCALES as readonly string[]).includes(lang ?? '') ? (lang as Locale) : 'en';
}
