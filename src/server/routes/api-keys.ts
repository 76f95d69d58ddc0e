import { ApiKey, ApiKeyCreate, ApiKeyCreated, ApiKeyPatch, list } from '../../contract/index.ts';
import { route } from '../http/route.ts';
import { checked, noted, refuse } from '../http/inputs.ts';
import { issueKey, keyView, listKeys, revokeKey, updateKey } from '../domain/api-keys.ts';

const ORIGINS = 'Publishable keys only: exact scheme://host[:port] values; an empty list allows any origin (for development).';
const NewKey = checked(ApiKeyCreate, { allowed_origins: ORIGINS, type: 'hub: with a hub key only, a key of its hub.' }, (b) =>
  b.type !== 'publishable' && b.allowed_origins?.length ? refuse('allowed_origins', 'Only publishable keys have allowed origins') : b);

export const apiKeyRoutes = [
  route({
    method: 'get', path: '/api-keys', auth: 'secret', summary: 'List API keys of this mode', ok: [200, list(ApiKey)],
    handler: async ({ deps, principal }) => ({ data: await listKeys(deps.store.db, principal) }),
  }),
  route({
    method: 'post', path: '/api-keys', auth: 'secret', summary: 'Create an API key (the full key is shown once)',
    body: NewKey, ok: [201, ApiKeyCreated],
    handler: async ({ deps, principal, body }) => issueKey(deps, principal, body),
  }),
  route({
    method: 'get', path: '/api-keys/{id}', auth: 'secret', summary: 'One API key', ok: [200, ApiKey], errors: ['not_found'],
    handler: async ({ deps, principal, params }) => keyView(deps.store.db, principal, params.id),
  }),
  route({
    method: 'patch', path: '/api-keys/{id}', auth: 'secret', summary: 'Rename a key or change its allowed origins',
    body: noted(ApiKeyPatch, { allowed_origins: ORIGINS }), ok: [200, ApiKey], errors: ['not_found'],
    handler: async ({ deps, principal, params, body }) => updateKey(deps.store.db, principal, params.id, body),
  }),
  route({
    method: 'delete', path: '/api-keys/{id}', auth: 'secret', summary: 'Revoke a key, and every session issued from it, at once',
    ok: [200, ApiKey], errors: ['not_found'],
    handler: async ({ deps, principal, params }) => revokeKey(deps, principal, params.id),
  }),
];
