import type { AdminService, PublicService, ServiceCreate, ServicePatch } from '../../contract/index.ts';
import type { BusinessPrincipal, Deps, SecretPrincipal } from '../context.ts';
import { newId } from '../auth/tokens.ts';
import { invalid } from '../http/errors.ts';
import type { Tx } from '../store/db.ts';
import { adminServiceOut, getService, publicServiceOut, staffOfServices, type Scope } from './catalog.ts';

/** Service defaults a merchant can leave out; documented in the README's API tour. */
const DEFAULTS = { buffer_before_minutes: 0, buffer_after_minutes: 0, min_notice_minutes: 0, horizon_days: 60, slot_interval_minutes: 30 };

/** The widget sees active services with their staff; the merchant's server sees everything. */
/** Customers (a session or the publishable key alike) see the active services; the merchant sees every one. */
export async function listServices(db: Tx, p: BusinessPrincipal): Promise<{ data: PublicService[] } | { data: AdminService[] }> {
  const customer = p.kind !== 'secret';
  let q = db.selectFrom('services').selectAll()
    .where('business_id', '=', p.businessId).where('mode', '=', p.mode).where('deleted_at', 'is', null);
  if (customer) q = q.where('active', '=', 1);
  const rows = await q.orderBy('created_at').orderBy('id').execute();
  const staff = await staffOfServices(db, rows.map((r) => r.id));
  return customer
    ? { data: rows.map((r) => publicServiceOut(r, staff.get(r.id)!)) }
    : { data: rows.map((r) => adminServiceOut(r, staff.get(r.id)!)) };
}

export async function serviceView(db: Tx, scope: Scope, id: string): Promise<AdminService> {
  const row = await getService(db, scope, id);
  return adminServiceOut(row, (await staffOfServices(db, [id])).get(id)!);
}

export async function createService(deps: Deps, p: SecretPrincipal, body: ServiceCreate): Promise<AdminService> {
  const id = newId('svc');
  await deps.store.write(async (tx) => {
    await checkStaff(tx, p, body.staff_ids ?? []);
    await tx.insertInto('services').values({
      id, business_id: p.businessId, mode: p.mode, name: body.name, description: body.description ?? '',
      duration_minutes: body.duration_minutes,
      price_amount_minor: body.price?.amount_minor ?? null, price_currency: body.price?.currency ?? null,
      buffer_before_minutes: body.buffer_before_minutes ?? DEFAULTS.buffer_before_minutes,
      buffer_after_minutes: body.buffer_after_minutes ?? DEFAULTS.buffer_after_minutes,
      min_notice_minutes: body.min_notice_minutes ?? DEFAULTS.min_notice_minutes,
      horizon_days: body.horizon_days ?? DEFAULTS.horizon_days,
      slot_interval_minutes: body.slot_interval_minutes ?? DEFAULTS.slot_interval_minutes,
      active: body.active === false ? 0 : 1, created_at: deps.now(), deleted_at: null,
    }).execute();
    await setStaff(tx, id, body.staff_ids ?? []);
  }, p.businessId);
  return serviceView(deps.store.db, p, id);
}

export async function updateService(deps: Deps, p: SecretPrincipal, id: string, body: ServicePatch): Promise<AdminService> {
  await deps.store.write(async (tx) => {
    await getService(tx, p, id);
    const { staff_ids, price, active, ...plain } = body;
    const set: Record<string, unknown> = { ...plain };
    if (price !== undefined) Object.assign(set, { price_amount_minor: price?.amount_minor ?? null, price_currency: price?.currency ?? null });
    if (active !== undefined) set.active = active ? 1 : 0;
    if (Object.keys(set).length) await tx.updateTable('services').set(set).where('id', '=', id).execute();
    if (staff_ids) {
      await checkStaff(tx, p, staff_ids);
      await setStaff(tx, id, staff_ids);
    }
  }, p.businessId);
  return serviceView(deps.store.db, p, id);
}

/** Deleting hides the service; its bookings stay, and so do their manage links. */
export async function deleteService(deps: Deps, p: SecretPrincipal, id: string): Promise<void> {
  await getService(deps.store.db, p, id);
  await deps.store.db.updateTable('services').set({ deleted_at: deps.now(), active: 0 }).where('id', '=', id).execute();
}

/** Every id names a live staff member of this business and mode (the route's schema already refused repeats). */
async function checkStaff(tx: Tx, scope: Scope, ids: string[]) {
  if (ids.length === 0) return;
  const found = await tx.selectFrom('staff').select('id').where('id', 'in', ids)
    .where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).where('deleted_at', 'is', null).execute();
  const missing = ids.filter((id) => !found.some((f) => f.id === id));
  if (missing.length) throw invalid('staff_ids', `Unknown staff: ${missing.join(', ')}`);
}

async function setStaff(tx: Tx, serviceId: string, ids: string[]) {
  await tx.deleteFrom('service_staff').where('service_id', '=', serviceId).execute();
  if (ids.length) await tx.insertInto('service_staff').values(ids.map((staff_id, position) => ({ service_id: serviceId, staff_id, position }))).execute();
}
