// modelgate as `npm start` runs it, on a fresh embedded database, quiet logs, on a free port.
// Prints LISTENING <port>, then CREDENTIALS <json> (an access token, an API key, a login) for the
// scenarios. With BENCH_PREDICT_CALLERS=N it also registers the demo model and signs in N users
// (PREDICT <json>: the model id and their access tokens), so a predict bench spreads its calls
// over N callers as real traffic would, each under predict's own per-caller limits.
// Answers "ELD" on stdin with the event-loop delay p99 since the last answer, "CPU" with the
// process's CPU time so far (µs).
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startSession } from '../../src/modules/auth/session.service.js';
import { ensureDemoModel } from '../../src/modules/models/demo-registration.js';
import { modelRuntimeOf } from '../../src/modules/models/model-runtime.js';
import { createUser } from '../../src/modules/users/user.service.js';
import { openRuntime } from '../../src/runtime.js';
import { listen } from '../../src/server.js';

const config = loadConfig({
  ...process.env,
  DATA_DIR: process.env['DATA_DIR'] ?? mkdtempSync(path.join(tmpdir(), 'modelgate-bench-')),
  LOG_LEVEL: 'warn',
  // The bench measures the cost of checking limits, not of hitting them.
  BUDGET_FREE: '1000000000',
  BUDGET_ENTERPRISE: '1000000000',
});
const logger = createLogger({ level: config.logLevel });
const deps = await openRuntime(config, logger);
const app = createApp(deps);
const running = await listen(app, { config, logger, port: 0, maxRequestsPerSocket: 0 });

const email = 'load-tester@example.com';
const password = 'benchmark harbor violet 7731';
await createUser(deps, { email, password, role: 'ADMIN', tier: 'ENTERPRISE' });
// The login-load scenario signs in as these, one client each.
const loginEmails = Array.from({ length: 50 }, (_, i) => `login-load-${i}@example.com`);
await Promise.all(loginEmails.map((address) => createUser(deps, { email: address, password, role: 'USER', tier: 'ENTERPRISE' })));
const call = async (query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) => {
  const response = await fetch(`${running.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data: Record<string, Record<string, unknown>> };
};
const login = await call('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }', { e: email, p: password });
const accessToken = login.data['login']!['accessToken'] as string;
const created = await call(
  'mutation { createApiKey(input: { name: "bench", scopes: [MODELS_READ, PREDICT] }) { key } }',
  {},
  { authorization: `Bearer ${accessToken}` },
);
const apiKey = created.data['createApiKey']!['key'] as string;

// The list scenario of issue 4: a user owning 1 000 keys lists them (rows written directly: the
// API caps live keys per user, and minting 1 000 through it would take the bench minutes).
const listOwner = 'list-owner@example.com';
await createUser(deps, { email: listOwner, password, role: 'USER', tier: 'ENTERPRISE' });
const listLogin = await call('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken user { id } } }', { e: listOwner, p: password });
const listToken = listLogin.data['login']!['accessToken'] as string;
const listOwnerId = (listLogin.data['login']!['user'] as { id: string }).id;
await deps.database.db
  .insertInto('api_keys')
  .values(
    Array.from({ length: 1000 }, (_, i) => ({
      user_id: listOwnerId,
      name: `bench key ${i}`,
      key_hash: randomBytes(32).toString('hex'),
      prefix: 'mg_live_abcd',
      last4: String(1000 + i).slice(-4),
      environment: 'LIVE' as const,
      scopes: ['models:read' as const],
      created_at: new Date(),
      expires_at: null,
    })),
  )
  .execute();

const predictCallers = Number(process.env['BENCH_PREDICT_CALLERS'] ?? 0);
if (predictCallers > 0) {
  const runtime = modelRuntimeOf(deps);
  const { model } = await ensureDemoModel({ ...deps, runtime });
  await runtime.pool.ready();
  const tokens: string[] = [];
  for (let i = 0; i < predictCallers; i++) {
    // Straight into the table and a session: no password, so no argon2 time per caller.
    const user = await deps.database.db
      .insertInto('users')
      .values({ email: `predict-${i}@example.com`, role: 'USER', tier: 'ENTERPRISE', password_hash: null, display_name: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    tokens.push((await startSession({ deps, log: logger }, user)).accessToken);
  }
  process.stdout.write(`PREDICT ${JSON.stringify({ modelId: model.id, tokens })}\n`);
}

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'ELD') {
    process.stdout.write(`ELD ${(delay.percentile(99) / 1e6).toFixed(1)}\n`);
    delay.reset();
  }
  if (line.trim() === 'CPU') {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`CPU ${user + system}\n`);
  }
});
process.stdout.write(`LISTENING ${new URL(running.url).port}\n`);
process.stdout.write(`CREDENTIALS ${JSON.stringify({ accessToken, apiKey, email, password, loginEmails, listToken })}\n`);
// A clean exit on a signal, so `node --cpu-prof` writes its profile.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
