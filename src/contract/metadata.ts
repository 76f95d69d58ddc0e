import * as z from 'zod/mini';

// A booking's attribution (utm_source and the like): what the page the customer booked on knew of
// where they came from. Its own module, so the widget loads this check and no other request schema.

import { METADATA_LIMITS } from './limits.ts';

export { METADATA_LIMITS };

/** At most 20 string values, keys `[a-z0-9_]{1,40}`, values at most 500 characters. */
export const Metadata = z.record(
  z.string().check(z.regex(METADATA_LIMITS.keyPattern, 'Keys are 1 to 40 characters of a-z, 0-9 and _')),
  z.string().check(z.maxLength(METADATA_LIMITS.valueLength, `At most ${METADATA_LIMITS.valueLength} characters`)),
).check(z.refine((m) => Object.keys(m).length <= METADATA_LIMITS.entries, `At most ${METADATA_LIMITS.entries} values`));
export type Metadata = z.infer<typeof Metadata>;
