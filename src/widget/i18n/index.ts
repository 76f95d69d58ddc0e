import { en, type Messages } from './en.ts';

export type { Messages };
export { en };

// English ships in the main chunk; other locales load on demand, so a page pays only for its own.
const loaders: Record<string, () => Promise<Messages>> = {
  de: () => import('./de.ts').then((m) => m.de),
  ar: () => import('./ar.ts').then((m) => m.ar),
};


/** The messages for a BCP 47 tag ("de-AT" → German), English when we have none closer. */
export async function loadMessages(locale: string): Promise<Messages> {
  const lang = locale.toLowerCase().split('-')[0]!;
  return loaders[lang] ? loaders[lang]() : en;
}
