import { createApp } from '../app.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { ensureDemoModel } from '../modules/models/demo-registration.js';
import { modelRuntimeOf } from '../modules/models/model-runtime.js';
import { startAuth } from '../modules/auth/auth-runtime.js';
import { ensureBootstrapAdmin } from '../modules/users/user.service.js';
import { closeRuntime, openRuntime } from '../runtime.js';
import { listen } from '../server.js';
import { startupWarnings } from '../startup-warnings.js';

/** `modelgate serve`: migrate, make sure an admin exists, serve until SIGTERM/SIGINT. */
export async function serve(config: Config, logger: Logger, print: (line: string) => void): Promise<void> {
  for (const warning of startupWarnings(config)) logger.warn({ setting: true }, warning);
  const deps = await openRuntime(config, logger);

  const outcome = await ensureBootstrapAdmin(deps, {
    configured: config.bootstrapAdmin,
    allowRandomAdmin: !config.databaseUrl,
  });
  if (outcome.kind === 'created-random') {
    // Printed once, straight to the terminal: the log redacts passwords, and must.
    print(`\n  Created admin ${outcome.email} with password: ${outcome.password}\n  It is shown only this once.\n`);
  } else if (outcome.kind === 'created-configured') {
    logger.info({ email: outcome.email }, 'bootstrap admin created');
  } else if (outcome.kind === 'skipped' && !config.bootstrapAdmin) {
    logger.warn('no admin exists; create one with `modelgate create-user --role ADMIN`');
  }

  // Keys and the revocation list load before the first request (a wrong MASTER_KEY stops here).
  await startAuth(deps);
  const demo = await ensureDemoModel({ ...deps, runtime: modelRuntimeOf(deps) });
  if (demo.created) logger.info({ modelId: demo.model.id, name: demo.model.name }, 'registered the demo model');

  const app = createApp(deps);
  const running = await listen(app, { config, logger });
  logger.info({ url: `${running.url}/graphql`, database: deps.database.kind }, 'modelgate is serving');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    await running.close();
    await closeRuntime(deps);
    logger.info('stopped');
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
