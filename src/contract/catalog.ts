import * as z from 'zod/mini';

// The answers the widget's first paint parses: the session and the service list. Kept apart from
// the rest of the contract so the first script the merchant's page loads carries only these.

/** `accounts`: `optional` when the business offers customer accounts (decision 012). */
export const Business = z.object({ id: z.string(), name: z.string(), timezone: z.string(), accounts: z.optional(z.string()) });
export type Business = z.infer<typeof Business>;

export const SessionResponse = z.object({
  session_token: z.string(),
  expires_at: z.string(),
  business: Business,
});
export type SessionResponse = z.infer<typeof SessionResponse>;

export const StaffRef = z.object({ id: z.string(), name: z.string() });
/** Money as answered: the server already checked it, so the widget's first paint carries no checks. */
const MoneyOut = z.object({ amount_minor: z.number(), currency: z.string() });
export const PublicService = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  duration_minutes: z.number(),
  price: z.nullable(MoneyOut),
  staff: z.array(StaffRef),
});
export type PublicService = z.infer<typeof PublicService>;
export const ServiceList = z.object({ data: z.array(PublicService) });

