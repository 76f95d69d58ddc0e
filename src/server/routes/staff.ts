import type { Hono } from 'hono';
import { Schedule, StaffCreate, StaffPatch, type Weekly } from '../../contract/index.ts';
import type { AppEnv, Deps } from '../context.ts';
import { requireAuth } from '../auth/authenticate.ts';
import { newId } from '../auth/tokens.ts';
import { readBody, zoneOrThrow } from '../http/validate.ts';
import { ApiError } from '../http/errors.ts';
import { getBusiness } from '../domain/bookings.ts';
import { getStaff, staffOut } from '../domain/catalog.ts';

const EMPTY_WEEK: Weekly = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };

export function staffRoutes(api: Hono<AppEnv>, deps: Deps) {
  const admin = requireAuth(deps, ['secret']);
  const { db } = deps.store;

  api.get('/staff', admin, async (c) => {
    const p = c.get('principal');
    const rows = await db.selectFrom('staff').selectAll()
      .where('business_id', '=', p.businessId).where('mode', '=', p.mode).where('deleted_at', 'is', null)
      .orderBy('created_at').orderBy('id').execute();
    return c.json({ data: rows.map(staffOut) });
  });

  // New staff have no hours until a schedule is PUT, so nobody is bookable by accident.
  api.post('/staff', admin, async (c) => {
    const p = c.get('principal');
    const body = await readBody(c, StaffCreate);
    const timezone = body.timezone ? zoneOrThrow(body.timezone) : (await getBusiness(db, p.businessId)).timezone;
    const id = newId('stf');
    await db.insertInto('staff').values({
      id, business_id: p.businessId, mode: p.mode, name: body.name, email: body.email ?? null, timezone,
      weekly: JSON.stringify(EMPTY_WEEK), exceptions: '[]', created_at: deps.now(), deleted_at: null,
    }).execute();
    return c.json(staffOut(await getStaff(db, p, id)), 201);
  });

  api.get('/staff/:id', admin, async (c) => c.json(staffOut(await getStaff(db, c.get('principal'), c.req.param('id')))));

  api.patch('/staff/:id', admin, async (c) => {
    const p = c.get('principal');
    const id = c.req.param('id');
    const body = await readBody(c, StaffPatch);
    await getStaff(db, p, id);
    const set = { ...body, ...(body.timezone ? { timezone: zoneOrThrow(body.timezone) } : {}) };
    if (Object.keys(set).length) await db.updateTable('staff').set(set).where('id', '=', id).execute();
    return c.json(staffOut(await getStaff(db, p, id)));
  });

  api.delete('/staff/:id', admin, async (c) => {
    const p = c.get('principal');
    const id = c.req.param('id');
    await getStaff(db, p, id);
    await deps.store.write(async (tx) => {
      await tx.updateTable('staff').set({ deleted_at: deps.now() }).where('id', '=', id).execute();
      await tx.deleteFrom('service_staff').where('staff_id', '=', id).execute();
    }, p.businessId);
    return c.body(null, 204);
  });

  api.put('/staff/:id/schedule', admin, async (c) => {
    const p = c.get('principal');
    const id = c.req.param('id');
    const body = await readBody(c, Schedule);
    checkIntervals(body);
    await getStaff(db, p, id);
    await db.updateTable('staff')
      .set({ weekly: JSON.stringify(body.weekly), exceptions: JSON.stringify(body.exceptions ?? []) })
      .where('id', '=', id).execute();
    return c.json(staffOut(await getStaff(db, p, id)));
  });
}

/** Rejects intervals the engine could only guess at: empty ones, and 24:00 as a start. */
function checkIntervals(s: Schedule) {
  const fields: { property: string; messages: string[] }[] = [];
  const look = (path: string, list: [string, string][]) =>
    list.forEach(([from, to], i) => {
      if (from === '24:00') fields.push({ property: `${path}.${i}.0`, messages: ['An interval cannot start at 24:00'] });
      else if (from === to) fields.push({ property: `${path}.${i}`, messages: ['Start and end must differ'] });
    });
  for (const [day, list] of Object.entries(s.weekly)) look(`weekly.${day}`, list);
  const seen = new Set<string>();
  (s.exceptions ?? []).forEach((e, i) => {
    look(`exceptions.${i}.intervals`, e.intervals);
    if (seen.has(e.date)) fields.push({ property: `exceptions.${i}.date`, messages: ['Each date may appear once'] });
    seen.add(e.date);
  });
  if (fields.length) throw new ApiError('invalid_request', 'Validation failed', fields);
}
