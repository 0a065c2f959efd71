import type { AppContext } from '../../context.js';
import { modelRuntimeOf } from './model-runtime.js';
import type { ModelServiceDeps } from './model.service.js';

/** The model and prediction services' dependencies, from a request's context. */
export function modelServiceDeps(context: AppContext): ModelServiceDeps {
  const { deps } = context;
  return { database: deps.database, config: deps.config, clock: deps.clock, logger: context.log, runtime: modelRuntimeOf(deps) };
}
