import { Webhook, WebhookCreate, WebhookCreated, WebhookDelivery, WebhookPatch, list } from '../../contract/index.ts';
import { route } from '../http/route.ts';
import { noted } from '../http/inputs.ts';
import { createWebhook, deleteWebhook, deliveries, listWebhooks, retryDelivery, updateWebhook, webhookView } from '../domain/webhooks.ts';

const URL_RULE = { url: 'https:// to a public address (checked where the name resolves, when saved and at every attempt); a test key may also use http:// to loopback (127.0.0.1, localhost) when the server sets WEBHOOK_ALLOW_LOOPBACK=1.' };

export const webhookRoutes = [
  route({
    method: 'get', path: '/webhooks', auth: 'secret', summary: 'List webhook endpoints', ok: [200, list(Webhook)],
    handler: async ({ deps, principal }) => ({ data: await listWebhooks(deps.store.db, principal) }),
  }),
  route({
    method: 'post', path: '/webhooks', auth: 'secret', summary: 'Add an endpoint (the signing secret is shown once)',
    body: noted(WebhookCreate, URL_RULE), ok: [201, WebhookCreated],
    handler: async ({ deps, principal, body }) => createWebhook(deps, principal, body),
  }),
  route({
    method: 'get', path: '/webhooks/{id}', auth: 'secret', summary: 'One endpoint', ok: [200, Webhook], errors: ['not_found'],
    handler: async ({ deps, principal, params }) => webhookView(deps.store.db, principal, params.id),
  }),
  route({
    method: 'patch', path: '/webhooks/{id}', auth: 'secret', summary: 'Change an endpoint, or switch it on or off',
    body: noted(WebhookPatch, URL_RULE), ok: [200, Webhook], errors: ['not_found'],
    handler: async ({ deps, principal, params, body }) => updateWebhook(deps, principal, params.id, body),
  }),
  route({
    method: 'delete', path: '/webhooks/{id}', auth: 'secret', summary: 'Delete an endpoint', ok: [204, null], errors: ['not_found'],
    handler: async ({ deps, principal, params }) => {
      await deleteWebhook(deps, principal, params.id);
      return null;
    },
  }),
  route({
    method: 'get', path: '/webhooks/{id}/deliveries', auth: 'secret', summary: 'The delivery log, newest first, with every attempt',
    ok: [200, list(WebhookDelivery)], errors: ['not_found'],
    handler: async ({ deps, principal, params }) => ({ data: await deliveries(deps.store.db, principal, params.id) }),
  }),
  route({
    method: 'post', path: '/webhooks/{id}/deliveries/{delivery_id}/retry', auth: 'secret', summary: 'Send a delivery again now',
    ok: [202, WebhookDelivery], errors: ['not_found'],
    handler: async ({ deps, principal, params }) => retryDelivery(deps, principal, params.id, params.delivery_id),
  }),
];
