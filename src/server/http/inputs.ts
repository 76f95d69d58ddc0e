import * as z from 'zod/mini';
import type { FieldError } from '../../contract/index.ts';
import { canonicalZone } from '../scheduling/index.ts';

// Input rules the contract's schemas cannot carry: those that need the server (the zone
// database), or the whole value at once (a range, a list without repeats). Each is stated here,
// beside the schema it refines, so the route declaration holds it and the OpenAPI document
// prints it; no handler checks input of its own.

/** Thrown by a check to refuse the input; becomes the envelope's `fields`. */
class Refused extends Error {
  constructor(readonly fields: FieldError[]) {
    super('refused');
  }
}

export type Refuse = (property: string, message: string) => never;
export const refuse: Refuse = (property, message) => {
  throw new Refused([{ property, messages: [message] }]);
};
/** Refuses with every field at once, when there are any. */
export const refuseAll = (fields: FieldError[]) => {
  if (fields.length) throw new Refused(fields);
};

const NOTES = new WeakMap<z.ZodMiniType, Readonly<Record<string, string>>>();

/** The rules `checked` added to a schema, by top-level property, for the OpenAPI document. */
export const notesOf = (schema: z.ZodMiniType): Readonly<Record<string, string>> => NOTES.get(schema) ?? {};

/**
 * `schema`, then `check` on its valid output. The check runs only once the contract's schema
 * accepted everything, so a request gets the contract's complaints first, and a check's own as
 * the only ones (as a handler's throw did). It may return the value in the form the server uses
 * (a canonical zone, an instant in milliseconds).
 */
export function checked<S extends z.ZodMiniType, T>(schema: S, notes: Record<string, string>, check: (value: z.output<S>) => T) {
  const out = z.pipe(schema, z.transform((value: z.output<S>, ctx) => {
    if (ctx.issues.length) return value as unknown as T;
    try {
      return check(value);
    } catch (err) {
      if (!(err instanceof Refused)) throw err;
      for (const f of err.fields) {
        for (const message of f.messages) ctx.issues.push({ code: 'custom', message, path: f.property.split('.'), input: value });
      }
      return value as unknown as T;
    }
  }));
  NOTES.set(out, notes);
  return out;
}

/** `schema` as it is, with rules the server checks elsewhere (against the caller or the database) stated for the document. */
export const noted = <S extends z.ZodMiniType>(schema: S, notes: Record<string, string>) => checked(schema, notes, (v) => v);

/** A zone that exists, in canonical form (aliases such as `Asia/Calcutta` are accepted). */
export function knownZone(name: string, property = 'timezone'): string {
  return canonicalZone(name) ?? refuse(property, 'Unknown time zone');
}
export const ZONE_NOTE = 'An IANA time zone the server knows; aliases are accepted and answered in canonical form.';

/** An RFC 3339 instant the contract accepted, in epoch milliseconds. */
export function instant(value: string, property: string): number {
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : refuse(property, 'Must be an RFC 3339 date-time');
}
