import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from '../../src/config.js';
import { ensureDemoModel } from '../../src/modules/models/demo-registration.js';
import { modelRuntimeOf } from '../../src/modules/models/model-runtime.js';
import type { ModelRow } from '../../src/modules/models/model.table.js';
import { createUser } from '../../src/modules/users/user.service.js';
import type { Tier } from '../../src/modules/users/user.table.js';
import { strongPassword } from './auth.js';
import { TEST_REDIS_URL } from './database.js';
import { startTestServer, type TestServer } from './server.js';

export interface ClientServer {
  readonly server: TestServer;
  readonly url: string;
  readonly iris: ModelRow;
  /** A new user (email and password) to sign in with. */
  newUser(tier?: Tier): Promise<{ email: string; password: string }>;
  close(): Promise<void>;
}

/** A listening modelgate with the demo model registered, for clients that talk HTTP to it. */
export async function startClientServer(env: Environment = {}): Promise<ClientServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'modelgate-clients-'));
  // One inference process: these tests predict a few rows, and the suite runs beside them.
  const server = await startTestServer({ env: { DATA_DIR: dataDir, INFERENCE_PROCESSES: '1', ...env }, ...(TEST_REDIS_URL ? { redisUrl: TEST_REDIS_URL } : {}) });
  const iris = (await ensureDemoModel({ ...server.deps, runtime: modelRuntimeOf(server.deps) })).model;
  let users = 0;
  return {
    server,
    url: `${server.url}/graphql`,
    iris,
    async newUser(tier: Tier = 'PRO') {
      const email = `client-${process.pid}-${Date.now()}-${++users}@example.com`;
      const password = strongPassword();
      await createUser(server.deps, { email, password, role: 'USER', tier });
      return { email, password };
    },
    async close() {
      await modelRuntimeOf(server.deps).close();
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SeenRequest {
  readonly operationName: string | undefined;
  readonly authorization: string | null;
  readonly body: Record<string, unknown>;
  status?: number;
  retryAfter?: string | null;
}

/** A fetch that records what each request carried and how it was answered (the client's view of the wire). */
export function recordingFetch(): { fetch: typeof fetch; seen: SeenRequest[]; named(name: string): SeenRequest[] } {
  const seen: SeenRequest[] = [];
  const recording: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const text = await request.clone().text();
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const entry: SeenRequest = {
      operationName: typeof body['operationName'] === 'string' ? body['operationName'] : undefined,
      authorization: request.headers.get('authorization'),
      body,
    };
    seen.push(entry);
    const response = await fetch(request);
    entry.status = response.status;
    entry.retryAfter = response.headers.get('retry-after');
    return response;
  };
  return { fetch: recording, seen, named: (name) => seen.filter((r) => r.operationName === name) };
}
