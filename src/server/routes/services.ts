import { AdminService, ServiceCreate, ServiceList, ServicePatch, list } from '../../contract/index.ts';
import * as z from 'zod/mini';
import { route } from '../http/route.ts';
import { checked, refuse } from '../http/inputs.ts';
import { createService, deleteService, listServices, serviceView, updateService } from '../domain/services.ts';

const STAFF_ONCE = { staff_ids: 'Each staff member at most once, and each a live staff member of this business.' };
const noRepeats = <T extends { staff_ids?: string[] | undefined }>(s: T): T =>
  s.staff_ids && new Set(s.staff_ids).size !== s.staff_ids.length ? refuse('staff_ids', 'Each staff member may appear once') : s;

export const serviceRoutes = [
  route({
    method: 'get', path: '/services', auth: ['session', 'publishable', 'secret'],
    summary: 'Bookable services with their staff (session or publishable key, the same answer), or every service as the merchant set it up (secret key)',
    ok: [200, z.union([ServiceList, list(AdminService)])],
    handler: async ({ deps, principal }) => listServices(deps.store.db, principal),
  }),
  route({
    method: 'post', path: '/services', auth: 'secret', summary: 'Create a service',
    body: checked(ServiceCreate, STAFF_ONCE, noRepeats), ok: [201, AdminService],
    handler: async ({ deps, principal, body }) => createService(deps, principal, body),
  }),
  route({
    method: 'get', path: '/services/{id}', auth: 'secret', summary: 'One service', ok: [200, AdminService], errors: ['not_found'],
    handler: async ({ deps, principal, params }) => serviceView(deps.store.db, principal, params.id),
  }),
  route({
    method: 'patch', path: '/services/{id}', auth: 'secret', summary: 'Change a service',
    body: checked(ServicePatch, STAFF_ONCE, noRepeats), ok: [200, AdminService], errors: ['not_found'],
    handler: async ({ deps, principal, params, body }) => updateService(deps, principal, params.id, body),
  }),
  route({
    method: 'delete', path: '/services/{id}', auth: 'secret', summary: 'Delete a service (its bookings stay)', ok: [204, null], errors: ['not_found'],
    handler: async ({ deps, principal, params }) => {
      await deleteService(deps, principal, params.id);
      return null;
    },
  }),
];
