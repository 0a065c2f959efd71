import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf } from '../../../src/errors.js';
import { parseDataset } from '../../../src/modules/models/demo-model.js';
import { createModel } from '../../../src/modules/models/model.service.js';
import type { ModelRow } from '../../../src/modules/models/model.table.js';
import { decodeInitializers } from '../../../src/modules/models/onnx-graph.js';
import { getPrediction, IDEMPOTENCY_WINDOW_MS, listPredictions, predict } from '../../../src/modules/predictions/prediction.service.js';
import { DATABASE_KINDS } from '../../helpers/database.js';
import { createModelKit, uploadOf, type ModelKit } from '../../helpers/models.js';
import { linearModel } from '../../helpers/onnx-models.js';

const root = new URL('../../../', import.meta.url);
const iris = parseDataset(readFileSync(new URL('datasets/iris.csv', root), 'utf8'));

/** softmax(x·W + b), computed here in float64 from the weights stored in models/iris.onnx. */
function reference(rows: number[][]): number[][] {
  const init = decodeInitializers(readFileSync(new URL('models/iris.onnx', root)));
  const w = init.get('weights')!.values;
  const b = init.get('bias')!.values;
  return rows.map((x) => {
    const logits = [0, 1, 2].map((c) => b[c]! + x.reduce((acc, v, j) => acc + v * w[j * 3 + c]!, 0));
    const top = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - top));
    const sum = e.reduce((a, v) => a + v, 0);
    return e.map((v) => v / sum);
  });
}

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    const e = error as { message: string; extensions?: Record<string, unknown> };
    return { code: codeOf(error), message: e.message, row: e.extensions?.['row'], feature: e.extensions?.['feature'] };
  }
  throw new Error('expected a failure');
}

describe.each(DATABASE_KINDS)('predict on %s', (kind) => {
  let kit: ModelKit;
  let model: ModelRow;
  beforeAll(async () => {
    kit = await createModelKit({ kind });
    model = await kit.registerIris();
    await kit.deps.runtime.pool.ready();
  });
  afterAll(async () => kit.close());

  const storedFor = (userId: string) => kit.database.db.selectFrom('predictions').selectAll().where('user_id', '=', userId).execute();

  it('answers Iris rows with the probabilities the stored weights give, and the argmax labels', async () => {
    const user = await kit.principal('USER');
    const { prediction, charged } = await predict(kit.deps, user, { modelId: model.id, inputs: iris.rows });
    expect(charged).toBe(true);
    const expected = reference(iris.rows);
    expect(prediction.outputs).toHaveLength(150);
    prediction.outputs.forEach((row, i) => row.forEach((p, c) => expect(p).toBeCloseTo(expected[i]![c]!, 5)));
    const accuracy = prediction.labels!.filter((label, i) => label === iris.labels[iris.classes[i]!]).length / 150;
    expect(accuracy).toBeGreaterThan(0.95);
    expect(prediction.labels!.slice(0, 3)).toEqual(['setosa', 'setosa', 'setosa']);
    expect(prediction.warnings).toEqual([]);

    const [stored] = await storedFor(user.userId);
    expect(stored).toMatchObject({ id: prediction.id, model_id: model.id, rows: 150, output_shape: [150, 3], cost: 150, inputs: null });
    expect(stored!.latency_ms).toBeGreaterThan(0);
    // The digest covers the model, the batch's shape and every value as a little-endian float64.
    const values = Buffer.alloc(150 * 4 * 8);
    iris.rows.flat().forEach((v, i) => values.writeDoubleLE(v, i * 8));
    expect(stored!.input_digest).toBe(createHash('sha256').update(`${model.id}\n150x4\n`).update(values).digest('hex'));
    // Outputs are stored as float32 bytes, exactly the values answered; labels follow from them.
    expect(stored!.outputs).toBeNull();
    expect(stored!.labels).toBeNull();
    const bytes = Buffer.from(stored!.outputs_f32!);
    expect(bytes.length).toBe(150 * 3 * 4);
    expect(Array.from({ length: 450 }, (_, i) => bytes.readFloatLE(i * 4))).toEqual(prediction.outputs.flat());
    expect(await getPrediction(kit.deps, user, prediction.id)).toEqual(prediction);
  });

  it('reads and recognises predictions stored before outputs were float32 (jsonb outputs and labels, JSON digest)', async () => {
    const user = await kit.principal('USER');
    const inputs = [[5.1, 3.5, 1.4, 0.2]];
    const legacyDigest = createHash('sha256').update(model.id).update('\n').update(JSON.stringify(inputs)).digest('hex');
    const { id } = await kit.database.db
      .insertInto('predictions')
      .values({
        user_id: user.userId,
        model_id: model.id,
        rows: 1,
        outputs: JSON.stringify([[0.912345678, 0.08, 0.007654322]]),
        output_shape: JSON.stringify([1, 3]),
        labels: JSON.stringify(['setosa']),
        warnings: JSON.stringify([]),
        cost: 1,
        latency_ms: 1.5,
        input_digest: legacyDigest,
        inputs: JSON.stringify(null),
        idempotency_key: 'from-before',
        created_at: new Date(kit.clock.now()),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const read = await getPrediction(kit.deps, user, id);
    expect(read).toMatchObject({ id, outputs: [[0.912345678, 0.08, 0.007654322]], labels: ['setosa'], output_shape: [1, 3], cost: 1 });
    expect((await listPredictions(kit.deps, user, 5)).rows).toEqual([read]);
    // A repeat with the key and the same inputs is recognised by the old digest: not charged again.
    const again = await predict(kit.deps, user, { modelId: model.id, inputs, idempotencyKey: 'from-before' });
    expect(again).toEqual({ prediction: read, charged: false });
    expect(await failure(predict(kit.deps, user, { modelId: model.id, inputs: [[5.1, 3.5, 1.4, 0.3]], idempotencyKey: 'from-before' }))).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it.each([
    ['a row of the wrong length', [[5.1, 3.5, 1.4, 0.2], [5.1, 3.5, 1.4]], 1, 3, /Row 1 has 3 values; the model takes 4 features: feature 3 \(petal_width\) is missing/],
    ['an empty batch', [], undefined, undefined, /The batch is empty/],
    ['a batch over the cap', Array.from({ length: 10_001 }, () => [5.1, 3.5, 1.4, 0.2]), 10_000, undefined, /at most 10000/],
    ['1e309 (Infinity once parsed)', JSON.parse('[[5.1, 3.5, 1.4, 0.2], [5.1, 3.5, 1e309, 0.2]]') as number[][], 1, 2, /Row 1, feature 2 \(petal_length\): Infinity is not a finite number/],
    ['a feature above its range', [[5.1, 3.5, 1.4, 0.2], [5.1, 9.5, 1.4, 0.2]], 1, 1, /Row 1, feature 1 \(sepal_width\): 9.5 is above the maximum 4.4/],
    ['a feature below its range', [[-1, 3.5, 1.4, 0.2]], 0, 0, /Row 0, feature 0 \(sepal_length\): -1 is below the minimum 4.3/],
  ])('refuses %s with BAD_USER_INPUT naming row and feature, before any inference', async (_what, inputs, row, feature, message) => {
    const user = await kit.principal('USER');
    const runs = kit.inferenceRuns();
    const result = await failure(predict(kit.deps, user, { modelId: model.id, inputs }));
    expect(result).toMatchObject({ code: 'BAD_USER_INPUT', row, feature });
    expect(result.message).toMatch(message);
    expect(kit.inferenceRuns()).toBe(runs);
    expect(await storedFor(user.userId)).toEqual([]);
  });

  it('refuses an unknown model, a caller without the predict scope, and an anonymous caller', async () => {
    const user = await kit.principal('USER');
    expect(await failure(predict(kit.deps, user, { modelId: '00000000-0000-4000-8000-000000000000', inputs: [[1, 2, 3, 4]] }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(predict(kit.deps, user, { modelId: 'iris', inputs: [[1, 2, 3, 4]] }))).toMatchObject({ code: 'NOT_FOUND' });
    const readOnly = { ...user, scopes: new Set(['models:read'] as const) };
    expect(await failure(predict(kit.deps, readOnly, { modelId: model.id, inputs: [[5.1, 3.5, 1.4, 0.2]] }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await failure(predict(kit.deps, undefined, { modelId: model.id, inputs: [[5.1, 3.5, 1.4, 0.2]] }))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('an Idempotency-Key repeat returns the same prediction, uncharged; other inputs with it are BAD_REQUEST', async () => {
    const user = await kit.principal('USER');
    const inputs = [[6.3, 3.3, 6.0, 2.5]];
    const first = await predict(kit.deps, user, { modelId: model.id, inputs, idempotencyKey: 'order-42' });
    const again = await predict(kit.deps, user, { modelId: model.id, inputs, idempotencyKey: 'order-42' });
    expect(first.charged).toBe(true);
    expect(again).toEqual({ prediction: first.prediction, charged: false });
    expect(await storedFor(user.userId)).toHaveLength(1);

    expect(await failure(predict(kit.deps, user, { modelId: model.id, inputs: [[6.3, 3.3, 6.0, 2.4]], idempotencyKey: 'order-42' }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'This Idempotency-Key was already used with other inputs.',
    });
    // Keys belong to their principal: another user's same key is a new prediction.
    const other = await kit.principal('USER');
    const theirs = await predict(kit.deps, other, { modelId: model.id, inputs, idempotencyKey: 'order-42' });
    expect(theirs.prediction.id).not.toBe(first.prediction.id);
    // After 24 hours the key is free again.
    kit.clock.advance(IDEMPOTENCY_WINDOW_MS + 1000);
    const later = await predict(kit.deps, user, { modelId: model.id, inputs, idempotencyKey: 'order-42' });
    expect(later.charged).toBe(true);
    expect(later.prediction.id).not.toBe(first.prediction.id);
    expect(await failure(predict(kit.deps, user, { modelId: model.id, inputs, idempotencyKey: 'k'.repeat(256) }))).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it("another user's prediction reads exactly like a missing one (BOLA)", async () => {
    const alice = await kit.principal('USER');
    const mallory = await kit.principal('USER');
    const { prediction } = await predict(kit.deps, alice, { modelId: model.id, inputs: [[5.1, 3.5, 1.4, 0.2]] });
    expect((await getPrediction(kit.deps, alice, prediction.id)).id).toBe(prediction.id);
    const stolen = await failure(getPrediction(kit.deps, mallory, prediction.id));
    const missing = await failure(getPrediction(kit.deps, mallory, '00000000-0000-4000-8000-000000000000'));
    const garbage = await failure(getPrediction(kit.deps, mallory, "1' or '1'='1"));
    expect(stolen).toEqual({ code: 'NOT_FOUND', message: 'No such prediction.', row: undefined, feature: undefined });
    expect(missing).toEqual(stolen);
    expect(garbage).toEqual(stolen);
    expect((await listPredictions(kit.deps, mallory, 20)).rows).toEqual([]);
  });

  it('lists the caller\'s predictions newest first, page by page', async () => {
    const user = await kit.principal('USER');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      kit.clock.advance(1000);
      ids.push((await predict(kit.deps, user, { modelId: model.id, inputs: [[5.1, 3.5, 1.4, 0.2 + i / 10]] })).prediction.id);
    }
    const page1 = await listPredictions(kit.deps, user, 2);
    expect(page1.rows.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    expect(page1.hasNextPage).toBe(true);
    const { encodeCursor } = await import('../../../src/modules/predictions/prediction.service.js');
    const page2 = await listPredictions(kit.deps, user, 2, encodeCursor(page1.rows[1]!));
    expect(page2.rows.map((r) => r.id)).toEqual([ids[0]]);
    expect(page2.hasNextPage).toBe(false);
    expect(await failure(listPredictions(kit.deps, user, 0))).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await failure(listPredictions(kit.deps, user, 2, 'nonsense'))).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('costs ceil(rows × the model weight), and keeps raw inputs only for a model that opts in', async () => {
    const maintainer = await kit.principal('MAINTAINER');
    const cheap = await createModel(kit.deps, maintainer, { name: 'cheap', costWeight: 0.5, storeInputs: true }, uploadOf(linearModel(2)));
    const user = await kit.principal('USER');
    const three = await predict(kit.deps, user, { modelId: cheap.id, inputs: [[1, 2], [3, 4], [5, 6]] });
    expect(three.prediction.cost).toBe(2);
    expect(three.prediction.outputs).toEqual([[1.5, 1.5], [3.5, 3.5], [5.5, 5.5]]);
    expect(three.prediction.labels).toBeNull();
    expect(three.prediction.inputs).toEqual([[1, 2], [3, 4], [5, 6]]);
    const seven = await predict(kit.deps, user, { modelId: model.id, inputs: iris.rows.slice(0, 7) });
    expect(seven.prediction.cost).toBe(7);
    expect(seven.prediction.inputs).toBeNull();
  });

  it('a model that warns answers out-of-range and far-out rows with warnings naming row and feature', async () => {
    const maintainer = await kit.principal('MAINTAINER');
    const lenient = await createModel(
      kit.deps,
      maintainer,
      { name: 'lenient', featureNames: ['a', 'b'], min: [0, 0], max: [10, 10], mean: [5, 5], std: [1, 1], rangePolicy: 'warn' },
      uploadOf(linearModel(2)),
    );
    const user = await kit.principal('USER');
    const { prediction } = await predict(kit.deps, user, { modelId: lenient.id, inputs: [[5, 5], [12, 9.5]] });
    expect(prediction.outputs).toHaveLength(2);
    expect(prediction.warnings).toEqual([
      'Row 1, feature 0 (a): 12 is above the maximum 10 the model declares.',
      'Row 1, feature 1 (b): 9.5 is 4.5 standard deviations from the training mean 5; the answer may be unreliable.',
    ]);
  });
});
