import * as z from 'zod/mini';
import { API_BASE_PATH } from '../../contract/index.ts';
import { route, under, type Route } from '../http/route.ts';
import { openApiDocument } from '../http/openapi.ts';
import { systemRoutes } from './system.ts';
import { sessionRoutes } from './session.ts';
import { serviceRoutes } from './services.ts';
import { availabilityRoutes } from './availability.ts';
import { holdRoutes } from './holds.ts';
import { bookingRoutes } from './bookings.ts';
import { manageRoutes } from './manage.ts';
import { staffRoutes } from './staff.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { businessRoutes } from './business.ts';
import { businessesRoutes } from './businesses.ts';
import { webhookRoutes } from './webhooks.ts';
import { accountRoutes } from './accounts.ts';
import { activityRoutes } from './activity.ts';

let document: ReturnType<typeof openApiDocument> | undefined;

const openApiRoute = route({
  method: 'get', path: '/openapi.json', auth: 'none', summary: 'This document, generated from the route table',
  ok: [200, z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) })],
  handler: () => (document ??= openApiDocument(ROUTE_TABLE)),
});

/**
 * Every route the server answers (besides the widget's files and the demo pages), each declared
 * once: the router mounts this table, and the OpenAPI document is generated from it.
 */
export const ROUTE_TABLE: readonly Route[] = [
  ...systemRoutes,
  ...under(API_BASE_PATH, [
    ...sessionRoutes, ...serviceRoutes, ...availabilityRoutes, ...holdRoutes, ...bookingRoutes, ...manageRoutes,
    ...staffRoutes, ...apiKeyRoutes, ...businessRoutes, ...businessesRoutes, ...webhookRoutes, ...accountRoutes, ...activityRoutes, openApiRoute,
  ]),
];
