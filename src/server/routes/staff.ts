import { AdminStaff, Schedule, StaffCreate, StaffPatch, list, type FieldError } from '../../contract/index.ts';
import { route } from '../http/route.ts';
import { ZONE_NOTE, checked, knownZone, refuseAll } from '../http/inputs.ts';
import { createStaff, deleteStaff, listStaff, setSchedule, staffView, updateStaff } from '../domain/staff.ts';

const withKnownZone = <T extends { timezone?: string | undefined }>(s: T): T =>
  s.timezone === undefined ? s : { ...s, timezone: knownZone(s.timezone) };
const ZONE = { timezone: `${ZONE_NOTE} Defaults to the business's.` };

/** Refuses intervals the engine could only guess at: empty ones, and 24:00 as a start; and a date given twice. */
function intervalsOk(s: Schedule): Schedule {
  const fields: FieldError[] = [];
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
  refuseAll(fields);
  return s;
}
const HOURS = {
  weekly: 'No interval starts at 24:00 or ends where it starts; an end before the start runs past midnight.',
  exceptions: 'Each date at most once; its intervals follow the rules of weekly.',
};

export const staffRoutes = [
  route({
    method: 'get', path: '/staff', auth: 'secret', summary: 'List staff', ok: [200, list(AdminStaff)],
    handler: async ({ deps, principal }) => ({ data: await listStaff(deps.store.db, principal) }),
  }),
  route({
    method: 'post', path: '/staff', auth: 'secret', summary: 'Add a staff member (no hours until a schedule is set)',
    body: checked(StaffCreate, ZONE, withKnownZone), ok: [201, AdminStaff],
    handler: async ({ deps, principal, body }) => createStaff(deps, principal, body),
  }),
  route({
    method: 'get', path: '/staff/{id}', auth: 'secret', summary: 'One staff member', ok: [200, AdminStaff], errors: ['not_found'],
    handler: async ({ deps, principal, params }) => staffView(deps.store.db, principal, params.id),
  }),
  route({
    method: 'patch', path: '/staff/{id}', auth: 'secret', summary: 'Change a staff member',
    body: checked(StaffPatch, ZONE, withKnownZone), ok: [200, AdminStaff], errors: ['not_found'],
    handler: async ({ deps, principal, params, body }) => updateStaff(deps.store.db, principal, params.id, body),
  }),
  route({
    method: 'delete', path: '/staff/{id}', auth: 'secret', summary: 'Remove a staff member (their bookings stay)', ok: [204, null], errors: ['not_found'],
    handler: async ({ deps, principal, params }) => {
      await deleteStaff(deps, principal, params.id);
      return null;
    },
  }),
  route({
    method: 'put', path: '/staff/{id}/schedule', auth: 'secret', summary: 'Set weekly hours and date exceptions',
    body: checked(Schedule, HOURS, intervalsOk), ok: [200, AdminStaff], errors: ['not_found'],
    handler: async ({ deps, principal, params, body }) => setSchedule(deps.store.db, principal, params.id, body),
  }),
];
