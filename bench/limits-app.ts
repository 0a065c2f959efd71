/** The app bench/limits.ts measures: one limited field and one costed list, with limits off or on. */
import { makeExecutableSchema } from '@graphql-tools/schema';
import { createYoga, type Plugin } from 'graphql-yoga';
import { systemClock } from '../src/clock.js';
import { connectRedis, redisReady } from '../src/db/redis.js';
import { predictCost } from '../src/lib/cost/predict-cost.js';
import { createLimitStore } from '../src/lib/limits/fallback-store.js';
import { createLogger } from '../src/logger.js';
import { useContractErrors } from '../src/plugins/use-contract-errors.js';
import { useLimits } from '../src/plugins/use-limits.js';
import { useOperationCaps } from '../src/plugins/use-operation-caps.js';
import { loadTypeDefs } from '../src/schema.js';

const schema = makeExecutableSchema({
  typeDefs: [
    ...loadTypeDefs().filter((sdl) => sdl.includes('directive @rateLimit')),
    /* GraphQL */ `
      type Query {
        ping: Int! @rateLimit(max: 1000000000, window: "1m")
        items(first: Int): [Item!]! @listSize(slicingArguments: ["first"])
      }
      type Item {
        id: Int!
        name: String!
      }
    `,
  ],
  resolvers: {
    Query: {
      ping: () => 1,
      items: (_: unknown, args: { first?: number }) => Array.from({ length: Math.min(args.first ?? 10, 3) }, (_, id) => ({ id, name: `item ${id}` })),
    },
  },
});

export async function createBenchApp(mode: string, redisUrl?: string) {
const logger = createLogger({ level: 'silent' });
const redis = mode === 'redis' && redisUrl ? connectRedis({ url: redisUrl, logger }) : undefined;
if (redis) await redisReady(redis, 5_000);
const store = createLimitStore({ redis, clock: systemClock, logger });

const plugins: Plugin[] =
  mode === 'off'
    ? [useContractErrors()]
    : [
        useOperationCaps({ maxDepth: 10, maxAliases: 15, maxDirectives: 50, maxTokens: 2000, maxDocumentLength: 20_000, hideLimits: true }),
        useLimits({
          schema,
          store,
          clock: systemClock,
          // Large enough that the run measures the counting, not refusals.
          budgets: { FREE: 1_000_000_000, PRO: 1_000_000_000, ENTERPRISE: 1_000_000_000 },
          maxCost: 5000,
          hideLimits: true,
          fieldCost: predictCost(),
        }) as Plugin,
        useContractErrors(),
      ];

const yoga = createYoga({
  schema,
  logging: false,
  batching: false,
  context: ({ request }) => ({ clientAddress: request.headers.get('x-bench-client') ?? '127.0.0.1', limits: store }),
  plugins,
});
return { yoga, close: () => redis?.disconnect() };
}
