import type { Booking } from '../../contract/index.ts';
import type { Tx } from '../store/db.ts';
import type { BookingRow } from '../store/schema.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export function bookingOut(b: BookingRow): Booking {
  const out: Booking = {
    id: b.id, status: b.status, service_id: b.service_id, staff_id: b.staff_id,
    start: iso(b.start_ms), end: iso(b.end_ms), timezone: b.timezone,
    customer: b.customer_phone === null
      ? { name: b.customer_name, email: b.customer_email }
      : { name: b.customer_name, email: b.customer_email, phone: b.customer_phone },
    notes: b.notes, created_at: iso(b.created_at),
  };
  if (b.cancelled_at !== null) out.cancelled_at = iso(b.cancelled_at);
  return out;
}

export async function getBusiness(db: Tx, id: string) {
  return db.selectFrom('businesses').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}
