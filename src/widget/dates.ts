/** Civil-date arithmetic (no time zone involved) and Intl formatting in the customer's zone. */

const DAY = 86_400_000;
const toUtc = (date: string) => Date.parse(`${date}T00:00:00Z`);
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** One formatter per locale and options, made once: making one costs far more than using it (two per day cell). */
const formatters = new Map<string, Intl.DateTimeFormat>();
function dtf(locale: string, o: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = locale + JSON.stringify(o);
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(locale, o)));
  return f;
}

export const addDays = (date: string, n: number) => fromUtc(toUtc(date) + n * DAY);
export const monthOf = (date: string) => date.slice(0, 7);
export const firstOfMonth = (month: string) => `${month}-01`;
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
}
export const lastOfMonth = (month: string) => addDays(firstOfMonth(addMonths(month, 1)), -1);
/** 1 = Monday … 7 = Sunday, as Intl's week info counts. */
export const isoWeekday = (date: string) => ((new Date(toUtc(date)).getUTCDay() + 6) % 7) + 1;

/** Today's date in a zone. */
export function todayIn(zone: string, now: number): string {
  const p = dtf('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (t: string) => p.find((x) => x.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The locale's first day of the week (1 = Monday), where the browser knows it. */
export function weekStartOf(locale: string): number {
  try {
    const l = new Intl.Locale(locale) as Intl.Locale & { getWeekInfo?: () => { firstDay: number }; weekInfo?: { firstDay: number } };
    return (l.getWeekInfo?.() ?? l.weekInfo)?.firstDay ?? 1;
  } catch {
    return 1;
  }
}

export const fmt = {
  price: (locale: string, amountMinor: number, currency: string) => {
    const f = new Intl.NumberFormat(locale, { style: 'currency', currency });
    const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
    return f.format(amountMinor / 10 ** digits);
  },
  time: (locale: string, zone: string, iso: string, h12: boolean) =>
    dtf(locale, { timeZone: zone, hour: 'numeric', minute: '2-digit', hourCycle: h12 ? 'h12' : 'h23' }).format(new Date(iso)),
  dateLong: (locale: string, date: string) =>
    dtf(locale, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(toUtc(date))),
  /** A day and time; the zone's name only when asked (`named`): a step names its zone once, not after every time. */
  when: (locale: string, zone: string, iso: string, h12: boolean, named = false) =>
    dtf(locale, { timeZone: zone, weekday: 'long', day: 'numeric', month: 'long', hour: 'numeric', minute: '2-digit', hourCycle: h12 ? 'h12' : 'h23', ...(named && { timeZoneName: 'short' }) }).format(new Date(iso)),
  month: (locale: string, month: string) =>
    dtf(locale, { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(new Date(toUtc(firstOfMonth(month)))),
  weekday: (locale: string, isoDay: number, width: 'short' | 'narrow' | 'long') =>
    // 2024-01-01 was a Monday.
    dtf(locale, { timeZone: 'UTC', weekday: width }).format(new Date(Date.UTC(2024, 0, isoDay))),
  day: (locale: string, date: string) => dtf(locale, { timeZone: 'UTC', day: 'numeric' }).format(new Date(toUtc(date))),
};

/** Whether the locale writes times on a 12-hour clock by default. */
export function prefers12h(locale: string): boolean {
  return new Intl.DateTimeFormat(locale, { hour: 'numeric' }).resolvedOptions().hourCycle?.startsWith('h1') ?? false;
}
