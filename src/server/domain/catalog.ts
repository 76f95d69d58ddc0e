import type { AdminService, AdminStaff, PublicService } from '../../contract/index.ts';
import type { Tx } from '../store/db.ts';
import type { Mode, ServiceRow, StaffRow } from '../store/schema.ts';
import type { DateException, ServiceRules, StaffHours, Weekly } from '../scheduling/index.ts';
import { notFound } from '../http/errors.ts';
import { iso } from '../time.ts';

/** The business and mode a caller acts on. */
export interface Scope { businessId: string; mode: Mode }

/** A live (not deleted) service of this business and mode; inactive ones only when asked. */
export async function getService(db: Tx, scope: Scope, id: string, opts: { activeOnly?: boolean } = {}): Promise<ServiceRow> {
  let q = db.selectFrom('services').selectAll()
    .where('id', '=', id).where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).where('deleted_at', 'is', null);
  if (opts.activeOnly) q = q.where('active', '=', 1);
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('Service');
  return row;
}

export async function getStaff(db: Tx, scope: Scope, id: string): Promise<StaffRow> {
  const row = await db.selectFrom('staff').selectAll()
    .where('id', '=', id).where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw notFound('Staff member');
  return row;
}

/** The staff who perform a service, in the order the merchant listed them. */
export async function staffOfServices(db: Tx, serviceIds: string[]): Promise<Map<string, StaffRow[]>> {
  const out = new Map<string, StaffRow[]>(serviceIds.map((id) => [id, []]));
  if (serviceIds.length === 0) return out;
  const rows = await db.selectFrom('service_staff')
    .innerJoin('staff', 'staff.id', 'service_staff.staff_id')
    .selectAll('staff').select(['service_staff.service_id as service_id'])
    .where('service_staff.service_id', 'in', serviceIds).where('staff.deleted_at', 'is', null)
    .orderBy('service_staff.position').execute();
  for (const { service_id, ...staff } of rows) out.get(service_id)!.push(staff);
  return out;
}

export const rulesOf = (s: ServiceRow): ServiceRules => ({
  durationMinutes: s.duration_minutes,
  bufferBeforeMinutes: s.buffer_before_minutes,
  bufferAfterMinutes: s.buffer_after_minutes,
  minNoticeMinutes: s.min_notice_minutes,
  horizonDays: s.horizon_days,
  slotIntervalMinutes: s.slot_interval_minutes,
});

export const hoursOf = (s: StaffRow): StaffHours => ({
  id: s.id, timezone: s.timezone, weekly: JSON.parse(s.weekly) as Weekly, exceptions: JSON.parse(s.exceptions) as DateException[],
});

const priceOf = (s: ServiceRow) =>
  s.price_amount_minor === null || s.price_currency === null ? null : { amount_minor: s.price_amount_minor, currency: s.price_currency };

export const publicServiceOut = (s: ServiceRow, staff: StaffRow[]): PublicService => ({
  id: s.id, name: s.name, description: s.description, duration_minutes: s.duration_minutes,
  price: priceOf(s), staff: staff.map((m) => ({ id: m.id, name: m.name })),
});

export const adminServiceOut = (s: ServiceRow, staff: StaffRow[]): AdminService => ({
  id: s.id, name: s.name, description: s.description, duration_minutes: s.duration_minutes, price: priceOf(s),
  buffer_before_minutes: s.buffer_before_minutes, buffer_after_minutes: s.buffer_after_minutes,
  min_notice_minutes: s.min_notice_minutes, horizon_days: s.horizon_days, slot_interval_minutes: s.slot_interval_minutes,
  staff_ids: staff.map((m) => m.id), active: s.active === 1, created_at: iso(s.created_at),
});

export const staffOut = (s: StaffRow): AdminStaff => ({
  id: s.id, name: s.name, email: s.email, timezone: s.timezone,
  schedule: { weekly: JSON.parse(s.weekly) as Weekly, exceptions: JSON.parse(s.exceptions) as DateException[] },
  created_at: iso(s.created_at),
});
