import type { Principal } from '../../modules/auth/principal.js';
import type { Tier } from '../../modules/users/user.table.js';
import type { Charge } from './limit-store.js';

/** Who a request counts against: the principal's user, else the client address. */
export interface Caller {
  /** `user:<id>` or `addr:<address>`: the part of every limit key that names the caller. */
  readonly id: string;
  readonly tier: Tier;
  readonly identified: boolean;
}

/** Anonymous callers count per client address, with the smallest (FREE) budget. */
export function callerOf(context: { principal?: Principal | undefined; clientAddress: string }): Caller {
  const principal = context.principal;
  if (principal) return { id: `user:${principal.userId}`, tier: principal.tier, identified: true };
  return { id: `addr:${context.clientAddress}`, tier: 'FREE', identified: false };
}

export const BUDGET_WINDOW_MS = 3_600_000;

/** The hourly cost budget of a caller, charged `amount` points (0 reads it). */
export function budgetCharge(caller: Caller, budgets: Readonly<Record<Tier, number>>, amount: number): Charge {
  return { key: `budget:${caller.id}`, amount, limit: budgets[caller.tier], windowMs: BUDGET_WINDOW_MS };
}
