import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf } from '../../../src/errors.js';
import { createModel } from '../../../src/modules/models/model.service.js';
import type { ModelRow } from '../../../src/modules/models/model.table.js';
import type { Principal } from '../../../src/modules/auth/principal.js';
import { predict } from '../../../src/modules/predictions/prediction.service.js';
import { createModelKit, uploadOf, type ModelKit } from '../../helpers/models.js';
import { slowModel } from '../../helpers/onnx-models.js';

const DEADLINE_MS = 1500;

/** Polls instead of sleeping a fixed time: on a busy machine fixed sleeps race. */
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
const WIDTH = 512;
const SLOW_ROWS = Array.from({ length: 256 }, () => new Array<number>(WIDTH).fill(0.5));
const IRIS_ROW = [[5.1, 3.5, 1.4, 0.2]];

async function outcome(promise: Promise<unknown>) {
  try {
    await promise;
    return { code: 'OK' as const, headers: {} };
  } catch (error) {
    const http = (error as { extensions?: { http?: { status?: number; headers?: Record<string, string> } } }).extensions?.http;
    return { code: codeOf(error), status: http?.status, headers: http?.headers ?? {} };
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function setUp(env: Record<string, string>) {
  const kit = await createModelKit({ env: { PREDICTION_TIMEOUT: `${DEADLINE_MS}ms`, ...env } });
  const iris = await kit.registerIris();
  const maintainer = await kit.principal('MAINTAINER');
  const slow = await createModel(kit.deps, maintainer, { name: 'slow', maxBatchSize: 1000 }, uploadOf(slowModel(WIDTH, 6000)));
  await kit.deps.runtime.pool.ready();
  // Warm every process with the iris session (a busy machine makes a first load slow).
  const warmers = await Promise.all(Array.from({ length: Number(env['INFERENCE_PROCESSES'] ?? 2) }, () => kit.principal()));
  await Promise.all(warmers.map((p) => predict(kit.deps, p, { modelId: iris.id, inputs: IRIS_ROW })));
  return { kit, iris, slow };
}

describe('deadlines and a full queue (one inference process, a queue of one)', () => {
  let kit: ModelKit;
  let iris: ModelRow;
  let slow: ModelRow;
  let users: Principal[];
  beforeAll(async () => {
    ({ kit, iris, slow } = await setUp({ INFERENCE_PROCESSES: '1', INFERENCE_QUEUE_SIZE: '1' }));
    users = await Promise.all([kit.principal(), kit.principal(), kit.principal()]);
  });
  afterAll(async () => kit?.close());

  it('a model running past its deadline answers PREDICTION_TIMEOUT within deadline + 250 ms, its process is killed, and the pool keeps serving', async () => {
    const started = Date.now();
    const pending = outcome(predict(kit.deps, users[0], { modelId: slow.id, inputs: SLOW_ROWS }));
    await new Promise((resolve) => setTimeout(resolve, DEADLINE_MS / 2));
    const [pid] = kit.deps.runtime.pool.stats().busyPids;
    expect(pid).toBeDefined();
    const result = await pending;
    const elapsed = Date.now() - started;
    expect(result).toMatchObject({ code: 'PREDICTION_TIMEOUT', status: 504 });
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
    expect(elapsed).toBeLessThan(DEADLINE_MS + 250);
    // The work was stopped, not abandoned: the process that ran it is gone.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alive(pid!)).toBe(false);
    expect(await kit.database.db.selectFrom('predictions').selectAll().where('model_id', '=', slow.id).execute()).toEqual([]);

    await kit.deps.runtime.pool.ready();
    const after = await predict(kit.deps, users[0], { modelId: iris.id, inputs: IRIS_ROW });
    expect(after.prediction.labels).toEqual(['setosa']);
  });

  it('with the process busy and the queue full, the next caller gets SERVICE_UNAVAILABLE with Retry-After at once', async () => {
    await kit.deps.runtime.pool.ready();
    const running = outcome(predict(kit.deps, users[0], { modelId: slow.id, inputs: SLOW_ROWS }));
    const pool = kit.deps.runtime.pool;
    await until(() => pool.stats().running === 1);
    const queued = outcome(predict(kit.deps, users[1], { modelId: iris.id, inputs: IRIS_ROW }));
    await until(() => pool.stats().queued === 1);
    const started = Date.now();
    const refused = await outcome(predict(kit.deps, users[2], { modelId: iris.id, inputs: IRIS_ROW }));
    expect(Date.now() - started).toBeLessThan(200);
    expect(refused).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, headers: { 'Retry-After': '1' } });
    expect((await running).code).toBe('PREDICTION_TIMEOUT');
    await queued;
  });
});

describe('fair sharing (two inference processes, at most 3 in flight per identity)', () => {
  let kit: ModelKit;
  let iris: ModelRow;
  let slow: ModelRow;
  beforeAll(async () => {
    ({ kit, iris, slow } = await setUp({ INFERENCE_PROCESSES: '2', INFERENCE_QUEUE_SIZE: '16', PREDICT_MAX_IN_FLIGHT: '3' }));
  });
  afterAll(async () => kit?.close());

  it('one identity flooding gets RATE_LIMITED past its share and cannot stop another identity\'s predictions', async () => {
    const flooder = await kit.principal();
    const other = await kit.principal();
    const flood = Array.from({ length: 8 }, () => outcome(predict(kit.deps, flooder, { modelId: slow.id, inputs: SLOW_ROWS })));
    await new Promise((resolve) => setTimeout(resolve, 100));

    const started = Date.now();
    const theirs = await predict(kit.deps, other, { modelId: iris.id, inputs: IRIS_ROW });
    expect(theirs.prediction.labels).toEqual(['setosa']);
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS);

    const results = await Promise.all(flood);
    const codes = results.map((r) => r.code);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(5);
    expect(codes.filter((c) => c === 'PREDICTION_TIMEOUT')).toHaveLength(3);
    expect(results.find((r) => r.code === 'RATE_LIMITED')?.headers).toEqual({ 'Retry-After': '1' });
    expect(kit.deps.runtime.inFlight.size).toBe(0);
  });
});
