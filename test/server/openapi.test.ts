import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { harness, ok } from './helpers.ts';

describe('GET /api/v1/openapi.json', () => {
  it('documents every route with schemas generated from the contract', async () => {
    const h = await harness();
    const doc = await ok(h.req('GET', '/api/v1/openapi.json'), 200);
    assert.equal(doc.openapi, '3.1.0');
    for (const [path, method] of [
      ['/api/v1/session', 'post'], ['/api/v1/services', 'get'], ['/api/v1/availability', 'get'], ['/api/v1/holds', 'post'],
      ['/api/v1/holds/{id}', 'delete'], ['/api/v1/bookings', 'post'], ['/api/v1/bookings', 'get'], ['/api/v1/guest/bookings', 'get'],
      ['/api/v1/bookings/{id}', 'get'], ['/api/v1/bookings/{id}/cancel', 'post'], ['/api/v1/bookings/{id}/reschedule', 'post'],
      ['/api/v1/api-keys', 'post'], ['/api/v1/api-keys/{id}', 'delete'], ['/api/v1/staff/{id}/schedule', 'put'], ['/api/v1/services/{id}', 'patch'],
      ['/api/v1/business', 'patch'], ['/api/v1/webhooks', 'post'], ['/api/v1/webhooks/{id}/deliveries', 'get'], ['/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry', 'post'],
    ]) assert.ok(doc.paths[path!]?.[method!], `${method} ${path}`);
    const bookingBody = doc.paths['/api/v1/bookings'].post.requestBody.content['application/json'].schema;
    assert.equal(bookingBody.additionalProperties, false, 'unknown fields are refused');
    assert.deepEqual(bookingBody.properties.customer.required.sort(), ['email', 'name']);
    assert.ok(bookingBody.properties.customer.properties.email.pattern, 'the email rule travels as a pattern');
    assert.ok(doc.paths['/api/v1/bookings'].post.responses['409']);
    const booked = doc.paths['/api/v1/bookings'].post.responses['201'].content['application/json'].schema;
    assert.deepEqual(booked.properties.booking.properties.status, { type: 'string', enum: ['confirmed', 'cancelled'] }, 'the status is documented as an enum');
    assert.deepEqual(doc.components.schemas.Error.properties.error.required.sort(), ['code', 'message']);
  });
});
