import { Email, Name, Notes, Phone } from '../../contract/customer.ts';
import type { Values } from '../controllers/flow.ts';
import type { Messages } from '../i18n/en.ts';

/**
 * Field messages for the details form, judged by the contract's own schemas (what the server
 * will check) and worded from the locale's table. '' means the field is fine.
 */
export function validateCustomer(v: Values, m: Messages, only?: (keyof Values)[]): Record<string, string> {
  const out: Record<string, string> = {};
  const check = (field: keyof Values, fn: () => string) => {
    if (!only || only.includes(field)) out[field] = fn();
  };
  check('name', () => (v.name.trim() === '' ? m.errorRequired : Name.safeParse(v.name).success ? '' : m.errorTooLong));
  check('email', () => (v.email.trim() === '' ? m.errorRequired : Email.safeParse(v.email.trim()).success ? '' : m.errorEmail));
  check('phone', () => (v.phone.trim() === '' || Phone.safeParse(v.phone.trim()).success ? '' : m.errorPhone));
  check('notes', () => (Notes.safeParse(v.notes.trim()).success ? '' : m.errorTooLong));
  return out;
}
