import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { ManualClock } from '../../src/clock.js';
import { connectRedis, redisReady, type Redis } from '../../src/db/redis.js';
import { predictCost } from '../../src/lib/cost/predict-cost.js';
import { createLimitStore } from '../../src/lib/limits/fallback-store.js';
import type { LimitStore } from '../../src/lib/limits/limit-store.js';
import type { Principal } from '../../src/modules/auth/principal.js';
import type { Tier } from '../../src/modules/users/user.table.js';
import { useContractErrors } from '../../src/plugins/use-contract-errors.js';
import { useLimits } from '../../src/plugins/use-limits.js';
import { useOperationCaps } from '../../src/plugins/use-operation-caps.js';
import { captureLog } from './log-capture.js';

/** A schema with limited and costed fields the app's own schema does not have (yet). */
export const HARNESS_SDL = /* GraphQL */ `
  type Query {
    ping: Int! @rateLimit(max: 50, window: "1m")
    hello: String! @rateLimit(max: 3, window: "10s", per: ADDRESS)
    items(first: Int): [Item!]! @listSize(slicingArguments: ["first"])
    expensive: Item! @cost(weight: 400)
  }
  type Item {
    id: Int!
  }
  type Prediction {
    id: ID!
    outputs: [[Float!]!]!
  }
  type Mutation {
    predict(modelId: ID!, inputs: [[Float!]!]!): Prediction!
  }
`;

const DIRECTIVES = readFileSync(new URL('../../schema/directives.graphql', import.meta.url), 'utf8');

export interface HarnessOptions {
  clock?: ManualClock;
  redisUrl?: string;
  budgets?: Record<Tier, number>;
  maxCost?: number;
  hideLimits?: boolean;
  /**
   * Redis command timeout. Tests about shared counting raise it: on a loaded machine a 150 ms
   * timeout would (correctly) fall back to per-instance counting and break their arithmetic.
   */
  commandTimeoutMs?: number;
}

export interface Harness {
  app: YogaServerInstance<Record<string, unknown>, Record<string, unknown>>;
  clock: ManualClock;
  store: LimitStore & { readonly degraded: boolean };
  redis: Redis | undefined;
  /** POSTs an operation as `address` (and as a user when `user` is given, e.g. `u1:PRO`). */
  gql(query: string, options?: { variables?: Record<string, unknown>; address?: string; user?: string }): Promise<{
    status: number;
    headers: Headers;
    body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[]; extensions?: Record<string, unknown> };
  }>;
  close(): void;
}

/**
 * The app's limit plugins (caps, cost, budgets, @rateLimit, contract errors) over a test schema.
 * A test header `x-test-user: <id>:<TIER>` stands in for authentication, which lives on another branch.
 */
export async function createLimitsHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = options.clock ?? new ManualClock(Date.now());
  const log = captureLog();
  const redis = options.redisUrl
    ? connectRedis({ url: options.redisUrl, logger: log.logger, commandTimeoutMs: options.commandTimeoutMs ?? 1_000 })
    : undefined;
  if (redis) await redisReady(redis).catch(() => undefined);
  const store = createLimitStore({ redis, clock, logger: log.logger });
  const schema = makeExecutableSchema({
    typeDefs: [DIRECTIVES, HARNESS_SDL],
    resolvers: {
      Query: {
        ping: () => 1,
        hello: () => 'hello',
        // Never more than 3 items, whatever was asked: the unused reservation is refunded.
        items: (_: unknown, args: { first?: number }) => Array.from({ length: Math.min(args.first ?? 10, 3) }, (_, id) => ({ id })),
        expensive: () => ({ id: 1 }),
      },
      Mutation: {
        predict: (_: unknown, args: { inputs: number[][] }) => ({ id: 'p1', outputs: args.inputs }),
      },
    },
  });
  const budgets = options.budgets ?? { FREE: 1000, PRO: 20_000, ENTERPRISE: 200_000 };
  const app = createYoga<{ remoteAddress?: string }>({
    schema,
    logging: false,
    maskedErrors: false,
    context: ({ request, remoteAddress }) => {
      const user = request.headers.get('x-test-user');
      const [userId, tier] = user ? user.split(':') : [];
      const principal: Principal | undefined =
        userId && tier ? { kind: 'user', userId, role: 'USER', tier: tier as Tier, scopes: new Set(['predict']) } : undefined;
      return { clientAddress: remoteAddress ?? 'unknown', limits: store, principal };
    },
    plugins: [
      useOperationCaps({
        maxDepth: 10,
        maxAliases: 15,
        maxDirectives: 50,
        maxTokens: 2000,
        maxDocumentLength: 20_000,
        hideLimits: options.hideLimits ?? false,
      }),
      useLimits({
        schema,
        store,
        clock,
        budgets,
        maxCost: options.maxCost ?? 5000,
        hideLimits: options.hideLimits ?? false,
        fieldCost: predictCost(),
      }),
      useContractErrors(),
    ],
  });
  return {
    app: app as unknown as Harness['app'],
    clock,
    store,
    redis,
    async gql(query, { variables, address = '10.0.0.7', user } = {}) {
      const response = await app.fetch(
        'http://localhost/graphql',
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/graphql-response+json',
            ...(user ? { 'x-test-user': user } : {}),
          },
          body: JSON.stringify({ query, variables }),
        },
        { remoteAddress: address },
      );
      return { status: response.status, headers: response.headers, body: JSON.parse(await response.text()) };
    },
    close: () => redis?.disconnect(),
  };
}
