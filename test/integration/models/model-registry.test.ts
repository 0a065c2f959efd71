import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { codeOf } from '../../../src/errors.js';
import { createModel, deleteModel, getModel, listModels, modelCostWeight } from '../../../src/modules/models/model.service.js';
import { predict } from '../../../src/modules/predictions/prediction.service.js';
import { DATABASE_KINDS } from '../../helpers/database.js';
import { createModelKit, uploadOf, type ModelKit } from '../../helpers/models.js';
import { linearModel, twoInputModel } from '../../helpers/onnx-models.js';

const MAX_MODEL_BYTES = 256 * 1024;

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return { code: codeOf(error), message: (error as Error).message, status: (error as { extensions?: { http?: { status?: number } } }).extensions?.http?.status };
  }
  throw new Error('expected a failure');
}

describe.each(DATABASE_KINDS)('the model registry on %s', (kind) => {
  // One database and DATA_DIR for the file (a fresh PGlite costs seconds); each test makes its
  // own users and compares the stored files with what was there before it.
  let kit: ModelKit;
  let before: string[];
  beforeAll(async () => {
    kit = await createModelKit({ kind, env: { MAX_MODEL_BYTES: String(MAX_MODEL_BYTES) } });
  });
  afterAll(async () => kit.close());
  beforeEach(async () => {
    before = await kit.storedFiles();
  });

  it('a maintainer uploads a model: stored by its SHA-256, owner-only, and listed', async () => {
    const maintainer = await kit.principal('MAINTAINER');
    const bytes = linearModel(3);
    const model = await createModel(kit.deps, maintainer, { name: 'scorer', featureNames: ['a', 'b', 'c'], maxBatchSize: 10 }, uploadOf(bytes));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(model).toMatchObject({ name: 'scorer', version: 1, sha256, feature_count: 3, max_batch_size: 10, cost_weight: 1, range_policy: 'reject' });

    const dir = join(kit.dataDir, 'models');
    expect((await readdir(dir)).sort()).toEqual([...before, `${sha256}.onnx`].sort());
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, `${sha256}.onnx`))).mode & 0o777).toBe(0o600);

    const user = await kit.principal('USER');
    expect((await listModels(kit.deps, user)).map((m) => m.id)).toContain(model.id);
    expect((await getModel(kit.deps, user, model.id))?.name).toBe('scorer');
    expect(await modelCostWeight(kit.deps, model.id)).toBe(1);

    const again = await createModel(kit.deps, maintainer, { name: 'scorer' }, uploadOf(bytes));
    expect(again.version).toBe(2);
    expect((await readdir(dir)).sort()).toEqual([...before, `${sha256}.onnx`].sort());
  });

  it('a USER cannot upload or delete, and no principal is UNAUTHENTICATED', async () => {
    const user = await kit.principal('USER');
    expect(await failure(createModel(kit.deps, user, { name: 'x' }, uploadOf(linearModel(2))))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await failure(createModel(kit.deps, undefined, { name: 'x' }, uploadOf(linearModel(2))))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await failure(listModels(kit.deps, undefined))).toMatchObject({ code: 'UNAUTHENTICATED' });
    const iris = await kit.registerIris();
    expect(await failure(deleteModel(kit.deps, user, iris.id))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await kit.storedFiles()).toEqual([...new Set([...before, `${iris.sha256}.onnx`])].sort());
  });

  it('an oversized upload is cut off while streaming: the rest is never read and nothing stays on disk', async () => {
    const admin = await kit.principal('ADMIN');
    let pulled = 0;
    const chunk = new Uint8Array(16 * 1024);
    // An endless upload: only a cap that stops reading can end it.
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const result = await failure(createModel(kit.deps, admin, { name: 'huge' }, { stream: () => endless }));
    expect(result).toMatchObject({ code: 'BAD_REQUEST', status: 413 });
    expect(result.message).toMatch(`larger than the limit of ${MAX_MODEL_BYTES} bytes`);
    expect(pulled).toBeLessThan(MAX_MODEL_BYTES + 4 * chunk.byteLength);
    expect(await kit.storedFiles()).toEqual(before);
  });

  it('a file that is not ONNX is refused with a clear message and nothing stays on disk', async () => {
    const admin = await kit.principal('ADMIN');
    const result = await failure(createModel(kit.deps, admin, { name: 'junk' }, uploadOf(new TextEncoder().encode('#!/bin/sh\nrm -rf /\n'))));
    expect(result).toEqual({ code: 'BAD_USER_INPUT', message: 'The file is not a loadable ONNX model.', status: 400 });
    expect(await kit.storedFiles()).toEqual(before);
    expect(await failure(createModel(kit.deps, admin, { name: 'empty' }, uploadOf(new Uint8Array())))).toMatchObject({ code: 'BAD_USER_INPUT', message: 'The model file is empty.' });
  });

  it.each([
    ['two inputs', twoInputModel(), /exactly one float input of shape \[N, featureCount\]; it has a: float32 \[N, 3\]; b: float32 \[N, 3\]/],
    ['a fixed batch size', linearModel(4, 2, 0.5, { dims: [1, 4] }), /it has x: float32 \[1, 4\]/],
    ['a 1-D input', linearModel(4, 2, 0.5, { dims: [4] }), /exactly one float input/],
    ['a double input', linearModel(4, 2, 0.5, { elemType: 11 }), /exactly one float input|not a loadable/],
  ])('an ONNX model with %s is refused and nothing stays on disk', async (_what, bytes, message) => {
    const admin = await kit.principal('ADMIN');
    const result = await failure(createModel(kit.deps, admin, { name: 'wrong' }, uploadOf(bytes)));
    expect(result.code).toBe('BAD_USER_INPUT');
    expect(result.message).toMatch(message);
    expect(await kit.storedFiles()).toEqual(before);
  });

  it('declared feature lists must match the model: a mismatch is refused and nothing stays', async () => {
    const admin = await kit.principal('ADMIN');
    const result = await failure(createModel(kit.deps, admin, { name: 'm', featureNames: ['a', 'b'] }, uploadOf(linearModel(3))));
    expect(result).toMatchObject({ code: 'BAD_USER_INPUT', message: 'featureNames has 2 entries; the model takes 3 features.' });
    expect(await kit.storedFiles()).toEqual(before);
    expect(await failure(createModel(kit.deps, admin, { name: '../etc' }, uploadOf(linearModel(3))))).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await failure(createModel(kit.deps, admin, { name: 'm', min: [0, 5, 0], max: [1, 1, 1] }, uploadOf(linearModel(3))))).toMatchObject({
      message: 'min of feature 1 is above its max.',
    });
  });

  it('a file named ../../x.onnx is stored under its digest only: the name never becomes a path', async () => {
    const admin = await kit.principal('ADMIN');
    const bytes = linearModel(2, 2, 0.75);
    const model = await createModel(kit.deps, admin, { name: 'named' }, uploadOf(bytes, '../../x.onnx'));
    const after = [...before, `${model.sha256}.onnx`].sort();
    expect(await kit.storedFiles()).toEqual(after);
    for (const dir of [kit.dataDir, dirname(kit.dataDir), join(kit.dataDir, 'models', '..', '..')]) {
      expect(await readdir(dir)).not.toContain('x.onnx');
    }
    // And a hostile name with bad content leaves nothing anywhere.
    await failure(createModel(kit.deps, admin, { name: 'named' }, uploadOf(new Uint8Array([1, 2, 3]), '../../x.onnx')));
    expect(await kit.storedFiles()).toEqual(after);
  });

  it('deleting a model removes its file once no live model uses it; a second delete is NOT_FOUND', async () => {
    const maintainer = await kit.principal('MAINTAINER');
    const model = await createModel(kit.deps, maintainer, { name: 'gone' }, uploadOf(linearModel(2, 2, 0.125)));
    expect(await kit.storedFiles()).toContain(`${model.sha256}.onnx`);
    await deleteModel(kit.deps, maintainer, model.id);
    expect(await kit.storedFiles()).toEqual(before);
    expect(await getModel(kit.deps, maintainer, model.id)).toBeUndefined();
    expect(await failure(deleteModel(kit.deps, maintainer, model.id))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(deleteModel(kit.deps, maintainer, 'not-a-uuid'))).toMatchObject({ code: 'NOT_FOUND' });
  });

  // Last: it damages the shared iris file.
  it('a tampered artifact is refused when loaded: SERVICE_UNAVAILABLE with a clear message and a model_tampered log line', async () => {
    const iris = await kit.registerIris();
    const user = await kit.principal('USER');
    const path = join(kit.dataDir, 'models', `${iris.sha256}.onnx`);
    const bytes = await readFile(path);
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0xff;
    await writeFile(path, bytes);

    const result = await failure(predict(kit.deps, user, { modelId: iris.id, inputs: [[5.1, 3.5, 1.4, 0.2]] }));
    expect(result).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
    expect(result.message).toBe('The model cannot be served: its stored file failed its integrity check.');
    expect(kit.log.entries().filter((e) => e['event'] === 'model_tampered')).toEqual([
      expect.objectContaining({ modelId: iris.id, sha256: iris.sha256 }),
    ]);
    expect(await kit.database.db.selectFrom('predictions').selectAll().where('user_id', '=', user.userId).execute()).toEqual([]);
  });
});
