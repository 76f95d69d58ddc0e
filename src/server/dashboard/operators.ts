import { newId } from '../auth/tokens.ts';
import type { Store, Tx } from '../store/db.ts';
import { hashPassword } from './passwords.ts';

// Operators: the people who sign in to the dashboard, and the businesses each may manage.
// The command line (`booking-api operator …`) and `init` call these; so do the tests.

export const normalEmail = (email: string) => email.trim().toLowerCase();

export const findOperator = (db: Tx, email: string) =>
  db.selectFrom('operators').selectAll().where('email', '=', normalEmail(email)).executeTakeFirst();

export class OperatorError extends Error {}

/**
 * Creates the operator (or, when the email exists, adds the business to it; a password given
 * then replaces the old one), linked to `businessIds`. Unknown businesses are refused.
 */
export async function createOperator(store: Store, input: { email: string; password: string; businessIds: string[]; now?: number }) {
  const email = normalEmail(input.email);
  const hash = await hashPassword(input.password);
  return store.write(async (tx) => {
    for (const id of input.businessIds) {
      if (!(await tx.selectFrom('businesses').select('id').where('id', '=', id).executeTakeFirst())) throw new OperatorError(`no business ${id} in this database`);
    }
    let op = await findOperator(tx, email);
    if (op) await tx.updateTable('operators').set({ password_hash: hash }).where('id', '=', op.id).execute();
    else {
      op = { id: newId('op'), email, password_hash: hash, created_at: input.now ?? Date.now() };
      await tx.insertInto('operators').values(op).execute();
    }
    for (const id of input.businessIds) {
      const linked = await tx.selectFrom('operator_businesses').select('business_id').where('operator_id', '=', op.id).where('business_id', '=', id).executeTakeFirst();
      if (!linked) await tx.insertInto('operator_businesses').values({ operator_id: op.id, business_id: id }).execute();
    }
    return { id: op.id, email, businesses: await operatorBusinesses(tx, op.id) };
  });
}

export const operatorBusinesses = (db: Tx, operatorId: string) =>
  db.selectFrom('operator_businesses').innerJoin('businesses', 'businesses.id', 'operator_businesses.business_id')
    .select(['businesses.id', 'businesses.name', 'businesses.timezone'])
    .where('operator_businesses.operator_id', '=', operatorId).orderBy('businesses.name').orderBy('businesses.id').execute();

export async function listOperators(db: Tx) {
  const ops = await db.selectFrom('operators').select(['id', 'email', 'created_at']).orderBy('email').execute();
  return Promise.all(ops.map(async (o) => ({
    id: o.id, email: o.email, created_at: new Date(o.created_at).toISOString(),
    businesses: (await operatorBusinesses(db, o.id)).map((b) => b.id),
  })));
}

/** Removes the operator, their links and every session they have: a signed-in browser is out at its next request. */
export async function removeOperator(store: Store, email: string): Promise<boolean> {
  return store.write(async (tx) => {
    const op = await findOperator(tx, email);
    if (!op) return false;
    await tx.deleteFrom('operator_sessions').where('operator_id', '=', op.id).execute();
    await tx.deleteFrom('operator_businesses').where('operator_id', '=', op.id).execute();
    await tx.deleteFrom('operators').where('id', '=', op.id).execute();
    return true;
  });
}
