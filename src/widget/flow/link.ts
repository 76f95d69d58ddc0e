import type { BookingWidget } from '../booking-widget.ts';

let page: URLSearchParams | undefined;

/**
 * (In the flow chunk: widget.js reads only `bw_service`, to fetch the calendar early.)
 * Where the flow opens: the page's URL (`bw_service`, `bw_date`, from an email or an ad), else the
 * element's `service` and `date`. The link is read once per page and leaves the address bar, as a
 * manage link's token does, so a reload comes back to where the customer was instead.
 */
export function deepLink(h: BookingWidget) {
  if (!page) {
    const url = new URL(location.href);
    page = new URLSearchParams(url.search);
    url.searchParams.delete('bw_service');
    url.searchParams.delete('bw_date');
    if (`${url}` !== location.href) history.replaceState(history.state, '', url);
  }
  const fromUrl = page.has('bw_service') || page.has('bw_date');
  // The date is checked where it is used (flow/transitions.ts, openService).
  return { service: page.get('bw_service') || h.service, date: page.get('bw_date') || h.date, fromUrl };
}
