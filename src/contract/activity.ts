import * as z from 'zod/mini';
import { Email } from './common.ts';

// What changed and who did it (GET /activity), requests per key and day (GET /usage), and the
// merchant dashboard's own sign-in (its routes live under /dashboard/api/, outside the contract's
// base path, but its inputs are checked by the same schemas in the server and the page).

export const ACTOR_TYPES = ['operator', 'secret_key', 'customer', 'system', 'hub_key', 'service_key'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export const Activity = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ type: z.enum(ACTOR_TYPES), id: z.nullable(z.string()) }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.nullable(z.string()) }),
  details: z.record(z.string(), z.unknown()),
});
export type Activity = z.infer<typeof Activity>;
export const ActivityList = z.object({ data: z.array(Activity), next_cursor: z.nullable(z.string()) });

const IntParam = (min: number, max: number) => z.pipe(
  z.string().check(z.regex(/^\d{1,4}$/, 'Must be a whole number')),
  z.transform(Number),
).check(z.refine((n: number) => n >= min && n <= max, `Must be between ${min} and ${max}`));

export const ActivityQuery = z.strictObject({
  limit: z.optional(IntParam(1, 200)),
  cursor: z.optional(z.string().check(z.maxLength(200))),
});

export const Usage = z.object({ key_id: z.string(), day: z.string(), requests: z.number(), rate_limited: z.number() });
export type Usage = z.infer<typeof Usage>;
export const UsageList = z.object({ data: z.array(Usage) });
export const UsageQuery = z.strictObject({ days: z.optional(IntParam(1, 90)) });

export const SignIn = z.strictObject({
  email: Email,
  password: z.string().check(z.minLength(1, 'Enter your password'), z.maxLength(256)),
});
export type SignIn = z.infer<typeof SignIn>;

export const DashboardBusiness = z.object({ id: z.string(), name: z.string(), timezone: z.string() });
export const DashboardMe = z.object({
  operator: z.object({ id: z.string(), email: z.string() }),
  csrf_token: z.string(),
  businesses: z.array(DashboardBusiness),
});
export type DashboardMe = z.infer<typeof DashboardMe>;
export const MerchantCancel = z.strictObject({ reason: z.optional(z.string().check(z.maxLength(500))) });
