import { readFileSync } from 'node:fs';
import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { actualCost, estimateCost } from '../../../../src/lib/cost/estimate-cost.js';
import { predictCost } from '../../../../src/lib/cost/predict-cost.js';

const DIRECTIVES = readFileSync(new URL('../../../../schema/directives.graphql', import.meta.url), 'utf8');

const schema = buildSchema(
  DIRECTIVES +
    /* GraphQL */ `
      type Model {
        id: ID!
        name: String!
        versions(first: Int): [Version!]! @listSize(slicingArguments: ["first"], assumedSize: 5)
      }
      type Version @cost(weight: 2) {
        id: ID!
      }
      type Prediction {
        id: ID!
        outputs: [[Float!]!]!
        model: Model!
      }
      type PredictionEdge {
        node: Prediction!
      }
      type PredictionConnection {
        edges: [PredictionEdge!]!
        totalCount: Int!
      }
      type Query {
        models: [Model!]!
        model(id: ID!): Model
        predictions(first: Int = 20): PredictionConnection! @listSize(slicingArguments: ["first"], sizedFields: ["edges"])
        report: String! @cost(weight: 7)
      }
      type Mutation {
        predict(modelId: ID!, inputs: [[Float!]!]!): Prediction!
        deleteModel(id: ID!): Boolean!
      }
    `,
);

const cost = (query: string, variables?: Record<string, unknown>, weights: Record<string, number> = {}) =>
  estimateCost(
    { schema, document: parse(query), variables },
    { fieldCost: predictCost((modelId) => weights[modelId]) },
  );

describe('the cost estimate (IBM cost specification)', () => {
  it('weighs objects 1, scalars 0, and lists by their assumed size (default 10)', () => {
    expect(cost('{ model(id: "m") { id name } }')).toBe(1);
    // 10 models, each 1 + 5 versions of weight 2.
    expect(cost('{ models { id versions { id } } }')).toBe(10 * (1 + 5 * 2));
    expect(cost('{ report }')).toBe(7);
  });

  it('costs aliased and fragment-spread selections the same as the plain one', () => {
    const plain = cost('{ models { id versions(first: 3) { id } } }');
    expect(cost('{ all: models { id versions(first: 3) { id } } }')).toBe(plain);
    expect(cost('{ ...M } fragment M on Query { models { id versions(first: 3) { id } } }')).toBe(plain);
    expect(cost('{ ... on Query { models { ...V } } } fragment V on Model { id versions(first: 3) { id } }')).toBe(plain);
    // The same response key twice is one field at run time, and so one cost.
    expect(cost('{ models { id } models { versions(first: 3) { id } } }')).toBe(plain);
    // Two aliases are two executions.
    expect(cost('{ a: models { id versions(first: 3) { id } } b: models { id versions(first: 3) { id } } }')).toBe(2 * plain);
  });

  it('reads slicing arguments from variables and from the operation defaults', () => {
    expect(cost('query ($n: Int) { models { versions(first: $n) { id } } }', { n: 40 })).toBe(10 * (1 + 40 * 2));
    expect(cost('query ($n: Int = 2) { models { versions(first: $n) { id } } }')).toBe(10 * (1 + 2 * 2));
    // A connection: the size applies to its edges; defaults of the field argument count too.
    expect(cost('{ predictions(first: 50) { edges { node { id } } } }')).toBe(1 + 50 * (1 + 1));
    expect(cost('{ predictions { totalCount edges { node { id } } } }')).toBe(1 + 20 * (1 + 1));
  });

  it('costs predict ceil(rows x model weight), rows read from a variable as well as a literal', () => {
    const query = 'mutation ($rows: [[Float!]!]!) { predict(modelId: "iris", inputs: $rows) { id outputs } }';
    expect(cost(query, { rows: [[1], [2], [3]] })).toBe(3);
    expect(cost(query, { rows: Array.from({ length: 120 }, () => [1, 2]) })).toBe(120);
    expect(cost(query, { rows: [[1], [2], [3]] }, { iris: 2.5 })).toBe(8);
    expect(cost('mutation { predict(modelId: "iris", inputs: [[1], [2]]) { id } }', undefined, { iris: 2.5 })).toBe(5);
    // Two aliased predictions are two bills; the nested model adds its own weight.
    expect(cost('mutation ($r: [[Float!]!]!) { a: predict(modelId: "x", inputs: $r) { id } b: predict(modelId: "x", inputs: $r) { model { id } } }', { r: [[1], [1]] })).toBe(2 + 2 + 1);
  });

  it('weighs a mutation field without @cost 10', () => {
    expect(cost('mutation { deleteModel(id: "m") }')).toBe(10);
  });

  it('honours @skip and @include, with variables', () => {
    expect(cost('query ($no: Boolean!) { report models @include(if: $no) { id } }', { no: false })).toBe(7);
    expect(cost('{ report @skip(if: true) }')).toBe(0);
  });

  it('ignores introspection, and costs 0 when the variables do not coerce (execution refuses them)', () => {
    expect(cost('{ __schema { types { name fields { name } } } }')).toBe(0);
    expect(cost('query ($n: Int) { models { versions(first: $n) { id } } }', { n: 'many' })).toBe(0);
  });

  it('stays linear on nested fragment spreads', () => {
    const levels = 12;
    let doc = '{ ...F0 }';
    for (let i = 0; i < levels; i++) doc += ` fragment F${i} on Query { models { id } ...F${i + 1} ...F${i + 1} }`;
    doc += ` fragment F${levels} on Query { report }`;
    const started = performance.now();
    expect(cost(doc)).toBe(10 + 7);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('the actual cost', () => {
  it('counts lists as returned and fields never resolved as nothing', () => {
    const document = parse('{ models { id versions(first: 30) { id } } report }');
    expect(estimateCost({ schema, document })).toBe(10 * (1 + 30 * 2) + 7);
    const data = { models: [{ id: 'a', versions: [{ id: '1' }] }, { id: 'b', versions: [] }], report: 'r' };
    expect(actualCost({ schema, document }, data)).toBe(2 * 1 + 1 * 2 + 7);
    expect(actualCost({ schema, document }, { models: null })).toBe(1);
    expect(actualCost({ schema, document }, null)).toBe(0);
  });

  it('reuses an estimated document\'s walk for every response and gets what a fresh walk gets', () => {
    const query = '{ models { id versions(first: 30) { id } } report }';
    const estimated = parse(query);
    estimateCost({ schema, document: estimated });
    const responses = [
      { models: [{ id: 'a', versions: [{ id: '1' }, { id: '2' }] }], report: 'r' },
      { models: [], report: null },
      { models: [{ id: 'a', versions: [] }, { id: 'b', versions: [{ id: '3' }] }, { id: 'c', versions: null }] },
    ];
    for (const data of responses) {
      expect(actualCost({ schema, document: estimated }, data)).toBe(actualCost({ schema, document: parse(query) }, data));
    }
    expect(responses.map((data) => actualCost({ schema, document: estimated }, data))).toEqual([1 + 2 * 2 + 7, 7, 3 + 1 * 2 + 1 * 2]);
  });

  it("reuses a request's own walk when the cost depends on its variables, and only for that request", () => {
    const document = parse('query($n: Int) { models { id versions(first: $n) { id } } report }');
    const data = { models: [{ id: 'a', versions: [{ id: '1' }, { id: '2' }] }, { id: 'b', versions: [] }], report: 'r' };
    const first = { schema, document, variables: { n: 30 } };
    const second = { schema, document, variables: { n: 2 } };
    expect(estimateCost(first)).toBe(10 * (1 + 30 * 2) + 7);
    expect(estimateCost(second)).toBe(10 * (1 + 2 * 2) + 7);
    // Each request's actual cost is what a walk made from nothing gets for its data.
    expect(actualCost(first, data)).toBe(actualCost({ schema, document, variables: { n: 30 } }, data));
    expect(actualCost(second, { models: null })).toBe(actualCost({ schema, document, variables: { n: 2 } }, { models: null }));
    expect(actualCost(first, data)).toBe(2 * 1 + 2 * 2 + 7);
  });
});
