/**
 * fast-check arbitraries derived from the contract's zod/mini schemas, so the generated requests
 * follow the contract as it is, not a copy of it: valid values from a schema, and invalid ones by
 * breaking a valid value in the ways clients do (a field missing, of the wrong type, unknown, huge).
 */
import fc from 'fast-check';
import type * as z from 'zod/mini';

type Def = Record<string, any> & { type: string };
const defOf = (s: z.core.$ZodType): Def => (s as any)._zod.def;

/** Values for named properties (real ids, times near the test clock), mixed with generated ones. */
export type Pools = Record<string, fc.Arbitrary<unknown>>;

export function valid(schema: z.core.$ZodType, pools: Pools = {}, name = ''): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const generated = fromDef(def, pools);
  const pool = pools[name];
  return pool ? fc.oneof({ arbitrary: pool, weight: 4 }, { arbitrary: generated, weight: 1 }) : generated;
}

function lengths(def: Def) {
  let minLength = 0;
  let maxLength = 60;
  let pattern: RegExp | undefined;
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    if (d.check === 'min_length') minLength = d.minimum;
    if (d.check === 'max_length') maxLength = Math.min(maxLength, d.maximum);
    if (d.check === 'string_format' && d.pattern) pattern = d.pattern;
  }
  return { minLength, maxLength, pattern };
}

function fromDef(def: Def, pools: Pools): fc.Arbitrary<unknown> {
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, z.core.$ZodType>;
      const required = Object.keys(shape).filter((k) => defOf(shape[k]).type !== 'optional');
      return fc.record(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, valid(v, pools, k)])), { requiredKeys: required });
    }
    case 'optional': return valid(def.innerType, pools);
    case 'nullable': return fc.option(valid(def.innerType, pools), { nil: null });
    case 'string': {
      if (def.format === 'datetime') return fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2029-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
      if (def.format === 'date') return fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2029-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      const { minLength, maxLength, pattern } = lengths(def);
      if (pattern) return fc.stringMatching(pattern).filter((s) => s.length >= minLength && s.length <= maxLength && s.trim().length >= minLength);
      return fc.string({ minLength, maxLength }).filter((s) => s.trim().length >= minLength);
    }
    case 'number': {
      let min = -1e6;
      let max = 1e6;
      for (const c of def.checks ?? []) {
        const d = c._zod.def;
        if (d.check === 'greater_than') min = Math.max(min, d.value + (d.inclusive ? 0 : 1));
        if (d.check === 'less_than') max = Math.min(max, d.value - (d.inclusive ? 0 : 1));
        if (d.check === 'number_format' && d.format === 'safeint') { min = Math.max(min, -1e9); max = Math.min(max, 1e9); }
      }
      return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
    }
    case 'boolean': return fc.boolean();
    case 'enum': return fc.constantFrom(...Object.values(def.entries as Record<string, unknown>));
    case 'literal': return fc.constantFrom(...(def.values as unknown[]));
    case 'array': {
      let minLength = 0;
      let maxLength = 5;
      for (const c of def.checks ?? []) {
        const d = c._zod.def;
        if (d.check === 'min_length') minLength = d.minimum;
        if (d.check === 'max_length') maxLength = Math.min(maxLength, d.maximum);
      }
      return fc.array(valid(def.element, pools), { minLength, maxLength });
    }
    case 'tuple': return fc.tuple(...(def.items as z.core.$ZodType[]).map((i) => valid(i, pools)));
    case 'union': return fc.oneof(...(def.options as z.core.$ZodType[]).map((o) => valid(o, pools)));
    case 'pipe': return valid(def.in, pools);
    default: return fc.anything();
  }
}

const junk = fc.oneof(
  fc.anything(),
  fc.string({ minLength: 5000, maxLength: 12_000 }),
  fc.constantFrom('<img src=x onerror=alert(1)>', 'javascript:alert(1)', '\u202Egnp.exe', "'; DROP TABLE bookings; --", '', ' ', null, -1, 1e308, true, [], {}),
);

/** A valid value broken in one of the ways clients break them. */
export function invalid(schema: z.core.$ZodType, pools: Pools = {}): fc.Arbitrary<unknown> {
  return fc.tuple(valid(schema, pools), fc.nat(), junk, fc.constantFrom('drop', 'retype', 'unknown', 'whole')).map(([value, pick, bad, how]) => {
    if (how === 'whole' || typeof value !== 'object' || value === null) return bad;
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const key = keys[pick % Math.max(1, keys.length)];
    if (how === 'drop' && key) delete copy[key];
    else if (how === 'retype' && key) copy[key] = bad;
    else copy[`unexpected_${pick % 7}`] = bad;
    return copy;
  });
}
