import type { FieldCostHook } from './estimate-cost.js';

/** A model's cost weight per input row; undefined when unknown (then 1). */
export type ModelWeight = (modelId: string, context: unknown) => number | undefined;

/**
 * `predict` costs ceil(rows x model weight) (CONTRACT.md §5), rows read from its `inputs`
 * argument, literal or variable. The weight lookup belongs to the models module; until it is
 * wired in, every model weighs 1.
 */
export function predictCost(weightOf: ModelWeight = () => undefined): FieldCostHook {
  return (coordinate, args, context) => {
    if (coordinate !== 'Mutation.predict') return undefined;
    const rows = Array.isArray(args['inputs']) ? args['inputs'].length : 0;
    const weight = weightOf(String(args['modelId']), context) ?? 1;
    return Math.ceil(rows * weight);
  };
}
