import * as z from 'zod/mini';

export { ERROR_CODES, ERROR_STATUS, FATAL_CREDENTIAL_CODES, type ErrorCode } from './codes.ts';

export const FieldError = z.object({
  property: z.string(),
  messages: z.array(z.string()),
});
export type FieldError = z.infer<typeof FieldError>;

/** The one error envelope. Unknown codes still parse so an older widget can read a newer server. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.optional(z.array(FieldError)),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;


/**
 * Turns validation issues into the `fields` of the envelope, one entry per property path,
 * with sentences a customer can read (zod/mini ships no messages of its own).
 */
export function issuesToFields(issues: readonly z.core.$ZodIssue[], prefix = ''): FieldError[] {
  const byPath = new Map<string, string[]>();
  const add = (path: string, msg: string) => {
    const list = byPath.get(path) ?? [];
    if (!list.includes(msg)) list.push(msg);
    byPath.set(path, list);
  };
  for (const issue of issues) {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add(base ? `${base}.${key}` : key, 'Unknown field');
      continue;
    }
    add(base || '(root)', describeIssue(issue));
  }
  return [...byPath].map(([property, messages]) => ({ property, messages }));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'Required' : `Expected ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'string' ? `Must be at least ${issue.minimum} characters`
        : issue.origin === 'array' ? `Must have at least ${issue.minimum} items`
        : `Must be at least ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'string' ? `Must be at most ${issue.maximum} characters`
        : issue.origin === 'array' ? `Must have at most ${issue.maximum} items`
        : `Must be at most ${issue.maximum}`;
    case 'invalid_format':
      return `Must be a valid ${issue.format}`;
    case 'invalid_value':
      return `Must be one of: ${issue.values.map(String).join(', ')}`;
    case 'not_multiple_of':
      return `Must be a multiple of ${issue.divisor}`;
    default:
      return 'Invalid value';
  }
}
