import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelRuntimeOf } from '../../../src/modules/models/model-runtime.js';
import type { ModelRow } from '../../../src/modules/models/model.table.js';
import type { TestApp } from '../../helpers/app.js';
import { createAppWithIris, type AppWithIris } from '../../helpers/app-with-iris.js';
import { createUserAndLogin } from '../../helpers/auth.js';
import { CREATE_MODEL, multipartRequest } from '../../helpers/multipart.js';
import { linearModel, slowModel } from '../../helpers/onnx-models.js';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const PREDICT = /* GraphQL */ `
  mutation Predict($modelId: ID!, $inputs: [[Float!]!]!) {
    predict(modelId: $modelId, inputs: $inputs) { id outputs labels warnings cost latencyMs model { name } }
  }
`;

type ErrorBody = { errors?: Array<{ message: string; extensions?: Record<string, unknown> }>; data?: Record<string, unknown> | null };

describe('models and predict over HTTP, signed in', () => {
  let app: AppWithIris;
  let t: TestApp;
  let iris: ModelRow;
  beforeAll(async () => {
    app = await createAppWithIris({ MAX_MODEL_BYTES: String(1024 * 1024), PREDICTION_TIMEOUT: '1500ms', INFERENCE_PROCESSES: '1', INFERENCE_QUEUE_SIZE: '1' });
    ({ t, iris } = app);
  });
  afterAll(() => app.close());

  it('a maintainer uploads an ONNX model with a multipart request; a USER is FORBIDDEN', async () => {
    const maintainer = await createUserAndLogin(t, { role: 'MAINTAINER' });
    const response = await t.app.fetch(
      multipartRequest(CREATE_MODEL, { input: { name: 'pair', featureNames: ['a', 'b'] } }, { variable: 'file', bytes: linearModel(2), name: '../../x.onnx' }, maintainer.headers),
    );
    const body = (await response.json()) as { data: { createModel: { name: string; featureCount: number; sha256: string } } };
    expect(response.status).toBe(200);
    expect(body.data.createModel).toMatchObject({ name: 'pair', featureCount: 2 });
    expect(await readdir(join(app.dataDir, 'models'))).toContain(`${body.data.createModel.sha256}.onnx`);

    const user = await createUserAndLogin(t, { role: 'USER' });
    const refused = await t.app.fetch(multipartRequest(CREATE_MODEL, { input: { name: 'nope' } }, { variable: 'file', bytes: linearModel(2) }, user.headers));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('a non-ONNX upload is 400 BAD_USER_INPUT with a clear message', async () => {
    const maintainer = await createUserAndLogin(t, { role: 'MAINTAINER' });
    const response = await t.app.fetch(
      multipartRequest(CREATE_MODEL, { input: { name: 'junk' } }, { variable: 'file', bytes: new TextEncoder().encode('not a model') }, maintainer.headers),
    );
    const body = (await response.json()) as ErrorBody;
    expect(response.status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({ message: 'The file is not a loadable ONNX model.', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('a signed-in user predicts on iris; labels, cost and the stored prediction come back', async () => {
    const user = await createUserAndLogin(t);
    const response = await t.gql(PREDICT, { modelId: iris.id, inputs: [[5.1, 3.5, 1.4, 0.2], [6.3, 3.3, 6.0, 2.5]] }, user.headers);
    expect(response.status).toBe(200);
    const prediction = response.body.data?.['predict'] as { id: string; labels: string[]; cost: number };
    expect(prediction).toMatchObject({ labels: ['setosa', 'virginica'], cost: 2 });
    const read = await t.gql('query ($id: ID!) { prediction(id: $id) { id cost } }', { id: prediction.id }, user.headers);
    expect(read.body.data?.['prediction']).toEqual({ id: prediction.id, cost: 2 });
  });

  it('inputs over HTTP: a bad row is 400 BAD_USER_INPUT naming row and feature; 1e309 in JSON is refused', async () => {
    const user = await createUserAndLogin(t);
    const short = await t.gql(PREDICT, { modelId: iris.id, inputs: [[5.1, 3.5, 1.4, 0.2], [5.1, 3.5]] }, user.headers);
    expect(short.status).toBe(400);
    expect(short.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', row: 1, feature: 2 } });
    const response = await t.app.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...user.headers },
      body: `{"query": ${JSON.stringify(PREDICT)}, "variables": {"modelId": "${iris.id}", "inputs": [[5.1, 1e309, 1.4, 0.2]]}}`,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toMatch(/inputs\[0\]\[1\]|Row 0, feature 1/);
  });

  it('Idempotency-Key: the repeat returns the same prediction id; other inputs with the key are 400 BAD_REQUEST', async () => {
    const user = await createUserAndLogin(t);
    const headers = { ...user.headers, 'idempotency-key': 'retry-1' };
    const first = await t.gql(PREDICT, { modelId: iris.id, inputs: [[5.1, 3.5, 1.4, 0.2]] }, headers);
    const again = await t.gql(PREDICT, { modelId: iris.id, inputs: [[5.1, 3.5, 1.4, 0.2]] }, headers);
    expect((again.body.data?.['predict'] as { id: string }).id).toBe((first.body.data?.['predict'] as { id: string }).id);
    const other = await t.gql(PREDICT, { modelId: iris.id, inputs: [[5.0, 3.5, 1.4, 0.2]] }, headers);
    expect(other.status).toBe(400);
    expect(other.body.errors?.[0]?.extensions?.['code']).toBe('BAD_REQUEST');
  });

  it("another user's prediction is null + NOT_FOUND, like a missing id", async () => {
    const alice = await createUserAndLogin(t);
    const mallory = await createUserAndLogin(t);
    const made = await t.gql(PREDICT, { modelId: iris.id, inputs: [[5.1, 3.5, 1.4, 0.2]] }, alice.headers);
    const id = (made.body.data?.['predict'] as { id: string }).id;
    const stolen = await t.gql('query ($id: ID!) { prediction(id: $id) { id } }', { id }, mallory.headers);
    const missing = await t.gql('query ($id: ID!) { prediction(id: $id) { id } }', { id: '00000000-0000-4000-8000-000000000000' }, mallory.headers);
    expect(stolen.status).toBe(200);
    // Identical but for the caller's own budget figures.
    expect({ data: stolen.body.data, errors: stolen.body.errors }).toEqual({ data: missing.body.data, errors: missing.body.errors });
    expect(stolen.body.data).toEqual({ prediction: null });
    expect(stolen.body.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('a model past its deadline answers 504 PREDICTION_TIMEOUT; a full queue answers 503 with Retry-After', async () => {
    const maintainer = await createUserAndLogin(t, { role: 'MAINTAINER' });
    const upload = await t.app.fetch(
      multipartRequest(CREATE_MODEL, { input: { name: 'slow', maxBatchSize: 1000 } }, { variable: 'file', bytes: slowModel(256, 6000) }, maintainer.headers),
    );
    const slowId = ((await upload.json()) as { data: { createModel: { id: string } } }).data.createModel.id;
    const rows = Array.from({ length: 512 }, () => new Array<number>(256).fill(0.5));
    const [a, b, c] = [await createUserAndLogin(t), await createUserAndLogin(t), await createUserAndLogin(t)];
    const started = Date.now();
    const running = t.gql(PREDICT, { modelId: slowId, inputs: rows }, a.headers);
    // Wait until the slow batch really holds the process (its big body is parsed first), then
    // until the next one really waits in the queue: fixed sleeps raced on a busy machine.
    const pool = modelRuntimeOf(t.deps).pool;
    await until(() => pool.stats().running === 1);
    const queued = t.gql(PREDICT, { modelId: iris.id, inputs: [[5.1, 3.5, 1.4, 0.2]] }, b.headers);
    await until(() => pool.stats().queued === 1);
    const full = await t.gql(PREDICT, { modelId: iris.id, inputs: [[5.1, 3.5, 1.4, 0.2]] }, c.headers);
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('1');
    const timedOut = await running;
    expect(timedOut.status).toBe(504);
    expect(timedOut.body.errors?.[0]?.extensions?.['code']).toBe('PREDICTION_TIMEOUT');
    // The deadline + 250 ms bound is the service's (test/integration/predictions); over HTTP the
    // 131 072-value JSON body is also parsed, costed and validated before the deadline starts.
    expect(Date.now() - started).toBeLessThan(1500 + 1000);
    await queued;
  });
});
