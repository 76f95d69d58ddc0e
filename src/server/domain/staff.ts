import type { AdminStaff, Schedule, Weekly } from '../../contract/index.ts';
import type { Deps, SecretPrincipal } from '../context.ts';
import { newId } from '../auth/tokens.ts';
import type { Tx } from '../store/db.ts';
import { getBusiness } from './business.ts';
import { getStaff, staffOut } from './catalog.ts';

const EMPTY_WEEK: Weekly = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };

export async function listStaff(db: Tx, p: SecretPrincipal): Promise<AdminStaff[]> {
  const rows = await db.selectFrom('staff').selectAll()
    .where('business_id', '=', p.businessId).where('mode', '=', p.mode).where('deleted_at', 'is', null)
    .orderBy('created_at').orderBy('id').execute();
  return rows.map(staffOut);
}

export const staffView = async (db: Tx, p: SecretPrincipal, id: string): Promise<AdminStaff> => staffOut(await getStaff(db, p, id));

export interface StaffFields { name?: string | undefined; email?: string | undefined; timezone?: string | undefined }

/** New staff have no hours until a schedule is PUT, so nobody is bookable by accident; the zone defaults to the business's. */
export async function createStaff(deps: Deps, p: SecretPrincipal, f: StaffFields & { name: string }): Promise<AdminStaff> {
  const { db } = deps.store;
  const timezone = f.timezone ?? (await getBusiness(db, p.businessId)).timezone;
  const id = newId('stf');
  await db.insertInto('staff').values({
    id, business_id: p.businessId, mode: p.mode, name: f.name, email: f.email ?? null, timezone,
    weekly: JSON.stringify(EMPTY_WEEK), exceptions: '[]', created_at: deps.now(), deleted_at: null,
  }).execute();
  return staffOut(await getStaff(db, p, id));
}

export async function updateStaff(db: Tx, p: SecretPrincipal, id: string, f: StaffFields): Promise<AdminStaff> {
  await getStaff(db, p, id);
  if (Object.keys(f).length) await db.updateTable('staff').set(f).where('id', '=', id).execute();
  return staffOut(await getStaff(db, p, id));
}

/** The staff member leaves every service at once; their bookings stay. */
export async function deleteStaff(deps: Deps, p: SecretPrincipal, id: string): Promise<void> {
  await getStaff(deps.store.db, p, id);
  await deps.store.write(async (tx) => {
    await tx.updateTable('staff').set({ deleted_at: deps.now() }).where('id', '=', id).execute();
    await tx.deleteFrom('service_staff').where('staff_id', '=', id).execute();
  }, p.businessId);
}

export async function setSchedule(db: Tx, p: SecretPrincipal, id: string, s: Schedule): Promise<AdminStaff> {
  await getStaff(db, p, id);
  await db.updateTable('staff')
    .set({ weekly: JSON.stringify(s.weekly), exceptions: JSON.stringify(s.exceptions ?? []) })
    .where('id', '=', id).execute();
  return staffOut(await getStaff(db, p, id));
}
