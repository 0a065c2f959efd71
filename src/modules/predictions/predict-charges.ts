/** One `predict` of a request, for the cost plugin: what it costs and whether to charge it. */
export interface PredictCharge {
  modelId: string;
  cost: number;
  /** False for an idempotent repeat: the stored prediction is returned and not charged again. */
  charged: boolean;
}

const charges = new WeakMap<object, PredictCharge[]>();

/** Notes a predict's cost on the request's context. */
export function recordPredictCharge(context: object, charge: PredictCharge): void {
  const list = charges.get(context) ?? [];
  list.push(charge);
  charges.set(context, list);
}

/** The predict charges of a request so far (the cost plugin reads this after execution). */
export function predictChargesOf(context: object): readonly PredictCharge[] {
  return charges.get(context) ?? [];
}
