import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDataset } from '../../../src/modules/models/demo-model.js';
import type { ModelRow } from '../../../src/modules/models/model.table.js';
import type { TestApp } from '../../helpers/app.js';
import { createAppWithIris, type AppWithIris } from '../../helpers/app-with-iris.js';
import { createUserAndLogin } from '../../helpers/auth.js';
import { CREATE_MODEL, multipartRequest } from '../../helpers/multipart.js';
import { linearModel } from '../../helpers/onnx-models.js';

// Big leaf lists (predict's outputs and labels) skip graphql-js's item-by-item completion
// (plugins/use-bulk-results.ts). What a client reads must not change: values, aliases, key
// order, lists nested in connections, and the errors completion gives when a value cannot be a Float.
const iris = parseDataset(readFileSync(new URL('../../../datasets/iris.csv', import.meta.url), 'utf8'));

describe('big leaf lists in answers', () => {
  let app: AppWithIris;
  let t: TestApp;
  let model: ModelRow;
  beforeAll(async () => {
    app = await createAppWithIris();
    ({ t, iris: model } = app);
  });
  afterAll(() => app.close());

  const PREDICT = 'mutation ($m: ID!, $i: [[Float!]!]!) { predict(modelId: $m, inputs: $i) { id outputs labels } }';
  type Answer = { id: string; outputs: number[][]; labels: string[] };

  it('answer predict with the values item-by-item completion gives, under every alias, in the order asked', async () => {
    const user = await createUserAndLogin(t);
    const response = await t.gql(
      `mutation ($m: ID!, $i: [[Float!]!]!) { predict(modelId: $m, inputs: $i) { first: outputs labels ...P cost } }
       fragment P on Prediction { outputs again: labels }`,
      { m: model.id, i: iris.rows },
      user.headers,
    );
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    const answer = response.body.data!['predict'] as Record<string, unknown>;
    expect(Object.keys(answer)).toEqual(['first', 'labels', 'outputs', 'again', 'cost']);

    // The reference: the same rows in batches too short for the bulk path, completed item by item.
    const reference: Answer[] = [];
    for (let start = 0; start < iris.rows.length; start += 50) {
      const part = await t.gql(PREDICT, { m: model.id, i: iris.rows.slice(start, start + 50) }, user.headers);
      reference.push(part.body.data!['predict'] as Answer);
    }
    const outputs = reference.flatMap((part) => part.outputs);
    const labels = reference.flatMap((part) => part.labels);
    expect(outputs).toHaveLength(150);
    expect(answer['first']).toEqual(outputs);
    expect(answer['outputs']).toEqual(outputs);
    expect(answer['labels']).toEqual(labels);
    expect(answer['again']).toEqual(labels);
  });

  it('put lists read back from history at their place inside connections', async () => {
    const user = await createUserAndLogin(t);
    const made: Answer[] = [];
    for (const rows of [iris.rows.slice(0, 100), iris.rows.slice(50, 150)]) {
      made.push((await t.gql(PREDICT, { m: model.id, i: rows }, user.headers)).body.data!['predict'] as Answer);
    }
    const one = await t.gql('query ($id: ID!) { prediction(id: $id) { outputs labels } }', { id: made[0]!.id }, user.headers);
    expect(one.body.data!['prediction']).toEqual({ outputs: made[0]!.outputs, labels: made[0]!.labels });

    const page = await t.gql('{ predictions(first: 2) { nodes { id outputs } edges { node { labels } } } }', {}, user.headers);
    const connection = page.body.data!['predictions'] as { nodes: Array<{ id: string; outputs: number[][] }>; edges: Array<{ node: { labels: string[] } }> };
    // Both share the test clock's instant, so the page's order is by id: match them by id.
    const byId = new Map(made.map((answer) => [answer.id, answer]));
    expect(new Set(connection.nodes.map((node) => node.id))).toEqual(new Set(byId.keys()));
    connection.nodes.forEach((node, i) => {
      expect(node.outputs).toEqual(byId.get(node.id)!.outputs);
      expect(connection.edges[i]!.node.labels).toEqual(byId.get(node.id)!.labels);
    });
  });

  it('refuse a row the model answers with Infinity: BAD_USER_INPUT naming the row, nothing stored', async () => {
    const maintainer = await createUserAndLogin(t, { role: 'MAINTAINER' });
    // y = x·W with every weight 1e30: an input of 1e10 overflows float32 to Infinity.
    const upload = await t.app.fetch(
      multipartRequest(CREATE_MODEL, { input: { name: 'overflow' } }, { variable: 'file', bytes: linearModel(2, 2, 1e30) }, maintainer.headers),
    );
    const created = ((await upload.json()) as { data: { createModel: { id: string } } }).data.createModel;
    const rows = Array.from({ length: 100 }, (_, i) => (i === 70 ? [1e10, 1e10] : [0.5, 0.25]));
    const response = await t.gql(PREDICT, { m: created.id, i: rows }, maintainer.headers);
    expect(response.status).toBe(400);
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors![0]).toMatchObject({
      message: "Row 70: the model's output is Infinity, not a finite number; this row is outside what the model can answer.",
      extensions: { code: 'BAD_USER_INPUT', row: 70 },
    });
    const stored = await t.deps.database.db.selectFrom('predictions').select('id').where('model_id', '=', created.id).execute();
    expect(stored).toEqual([]);
  });
});
