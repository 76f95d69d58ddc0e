// The schemas the network layer parses with before the flow chunk's own: zod and these load
// beside the first API call (net.ts), and the build puts them in the flow chunk (vite.config.ts).
// The first paint (the skeleton) does not wait for them; every answer is still parsed.

// zod/mini's object parser never compiles code at run time (classic zod's JIT parser is not in
// it), so a strict CSP without 'unsafe-eval' sees no violation; the strict-CSP e2e test holds that.

export { ServiceList, SessionResponse } from '../contract/catalog.ts';
export { ErrorBody } from '../contract/errors.ts';
export { AvailabilityResponse } from '../contract/booking.ts';
