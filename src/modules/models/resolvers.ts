import type { Resolvers } from '../../generated/resolvers-types.js';
import { FileScalar } from './file-scalar.js';
import { createModel, deleteModel, getModel, listModels } from './model.service.js';
import { modelServiceDeps } from './service-deps.js';

// Resolvers refuse an absent principal themselves (through the services), so they are safe
// even without the authorization plugin in front of them.
export const modelResolvers: Resolvers = {
  File: FileScalar,
  Query: {
    models: (_parent, _args, context) => listModels(context.deps, context.principal),
    model: async (_parent, { id }, context) => (await getModel(context.deps, context.principal, id)) ?? null,
  },
  Mutation: {
    createModel: (_parent, { input, file }, context) =>
      createModel(
        modelServiceDeps(context),
        context.principal,
        {
          name: input.name,
          description: input.description,
          featureNames: input.featureNames,
          labels: input.labels,
          maxBatchSize: input.maxBatchSize,
          min: input.min,
          max: input.max,
          mean: input.mean,
          std: input.std,
          rangePolicy: input.rangePolicy === 'WARN' ? 'warn' : 'reject',
          costWeight: input.costWeight,
          storeInputs: input.storeInputs,
        },
        file,
      ),
    deleteModel: async (_parent, { id }, context) => {
      await deleteModel(modelServiceDeps(context), context.principal, id);
      return true;
    },
  },
  Model: {
    sha256: (model) => model.sha256,
    featureCount: (model) => model.feature_count,
    featureNames: (model) => model.feature_names,
    maxBatchSize: (model) => model.max_batch_size,
    min: (model) => model.feature_min,
    max: (model) => model.feature_max,
    rangePolicy: (model) => (model.range_policy === 'warn' ? 'WARN' : 'REJECT'),
    costWeight: (model) => model.cost_weight,
    createdAt: (model) => model.created_at,
  },
};

