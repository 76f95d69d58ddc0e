import { localeOf, type Locale } from '../../contract/locales.ts';
import { en, type Messages } from './en.ts';

export type { Messages };
export { en };

// English ships in the main chunk; other locales load on demand, so a page pays only for its own.
const loaders: Record<Exclude<Locale, 'en'>, () => Promise<Messages>> = {
  de: () => import('./de.ts').then((m) => unpack(m.de)),
  ar: () => import('./ar.ts').then((m) => unpack(m.ar)),
};

/** The build ships a locale as its messages in `en`'s key order (vite.config.ts, packLocales); the source, as an object. */
export function unpack(table: unknown): Messages {
  return Array.isArray(table) ? (Object.fromEntries(Object.keys(en).map((k, i) => [k, table[i]])) as Messages) : (table as Messages);
}


/** The messages for a BCP 47 tag ("de-AT" → German), English when we have none closer. */
export async function loadMessages(locale: string): Promise<Messages> {
  const lang = localeOf(locale);
  return lang === 'en' ? en : loaders[lang]();
}
