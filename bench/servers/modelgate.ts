// modelgate as `npm start` runs it, on a fresh embedded database, quiet logs, on a free port.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { openRuntime } from '../../src/runtime.js';
import { listen } from '../../src/server.js';

const config = loadConfig({
  ...process.env,
  DATA_DIR: process.env['DATA_DIR'] ?? mkdtempSync(path.join(tmpdir(), 'modelgate-bench-')),
  LOG_LEVEL: 'warn',
});
const logger = createLogger({ level: config.logLevel });
const deps = await openRuntime(config, logger);
const app = createApp(deps);
const running = await listen(app, { config, logger, port: 0 });
process.stdout.write(`LISTENING ${new URL(running.url).port}\n`);
