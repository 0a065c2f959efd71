import type { AppContext } from '../../context.js';
import { internalError } from '../../errors.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import { getModelOfPrediction } from '../models/model.service.js';
import { modelServiceDeps } from '../models/service-deps.js';
import { bulkArgument } from '../../lib/bulk-arguments.js';
import { bulkResult } from '../../lib/bulk-results.js';
import { recordPredictCharge } from './predict-charges.js';
import { encodeCursor, getPrediction, listPredictions, predict } from './prediction.service.js';

export const predictionResolvers: Resolvers = {
  Query: {
    prediction: (_parent, { id }, context) => getPrediction(context.deps, context.principal, id),
    predictions: async (_parent, { first, after }, context) => {
      const page = await listPredictions(context.deps, context.principal, first ?? 20, after);
      const edges = page.rows.map((row) => ({ cursor: encodeCursor(row), node: row }));
      return {
        edges,
        nodes: page.rows,
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
      };
    },
  },
  Mutation: {
    predict: async (_parent, { modelId, inputs }, context: AppContext, info) => {
      const result = await predict(modelServiceDeps(context), context.principal, {
        modelId,
        inputs: bulkArgument(context, info, 'inputs', inputs),
        idempotencyKey: context.request.headers.get('idempotency-key'),
      });
      recordPredictCharge(context, { modelId, cost: result.prediction.cost, charged: result.charged });
      return result.prediction;
    },
  },
  Prediction: {
    model: async (prediction, _args, context) => {
      const model = await getModelOfPrediction(context.deps, prediction.model_id);
      // The foreign key guarantees it; a missing row is a broken database, not a user error.
      if (!model) throw internalError();
      return model;
    },
    // Thousands of numbers and labels: put into the answer whole (plugins/use-bulk-results.ts).
    outputs: (prediction, _args, context, info) => bulkResult(context, info, prediction.outputs),
    labels: (prediction, _args, context, info) => bulkResult(context, info, prediction.labels),
    warnings: (prediction) => prediction.warnings,
    latencyMs: (prediction) => prediction.latency_ms,
    createdAt: (prediction) => prediction.created_at,
  },
};
