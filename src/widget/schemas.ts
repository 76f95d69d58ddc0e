// The first paint (the skeleton) does not wait for zod: these schemas travel in the flow chunk,
// which is fetched beside the first API call and awaited only to parse its answer. Every answer
// is still parsed with the contract's schemas.

// zod/mini's object parser never compiles code at run time (classic zod's JIT parser is not in
// it), so a strict CSP without 'unsafe-eval' sees no violation; the strict-CSP e2e test holds that.

export { ServiceList, SessionResponse } from '../contract/catalog.ts';
export { ErrorBody } from '../contract/errors.ts';
// The flow's schemas too: every schema the widget uses, in one place.
export { AvailabilityResponse, BookingCreated, BookingList, BookingResponse, HoldResponse } from '../contract/booking.ts';
export { Email, Name, Notes, Phone } from '../contract/customer.ts';
