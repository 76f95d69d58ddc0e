import { config } from 'zod/mini';

// The first paint (the skeleton) does not wait for zod: these schemas travel in the flow chunk,
// which is fetched beside the first API call and awaited only to parse its answer. Every answer
// is still parsed with the contract's schemas.

// zod compiles object parsers at run time (the Function constructor) when it may; under a strict
// CSP (no 'unsafe-eval') merely trying reports a violation, so the widget never tries.
config({ jitless: true });

export { ServiceList, SessionResponse } from '../contract/catalog.ts';
export { ErrorBody } from '../contract/errors.ts';
// The flow's schemas too: every schema the widget uses, in one place.
export { AvailabilityResponse, BookingCreated, BookingList, BookingResponse, HoldResponse } from '../contract/booking.ts';
export { Email, Name, Notes, Phone } from '../contract/customer.ts';
