import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useHealthEndpoints, type ReadinessCheck } from '../../../src/plugins/use-health-endpoints.js';

const up: ReadinessCheck = async () => undefined;
const down: ReadinessCheck = async () => {
  throw new Error('connection refused');
};

async function ready(checks: Record<string, ReadinessCheck>) {
  const yoga = createYoga({
    schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }),
    logging: false,
    plugins: [useHealthEndpoints({ checks })],
  });
  const response = await yoga.fetch('http://localhost/ready');
  return { status: response.status, body: await response.json() };
}

describe('/ready', () => {
  it('is ok when everything answers', async () => {
    expect(await ready({ database: up, redis: up })).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('is 503 naming Redis when only Redis is down (CONTRACT.md §1)', async () => {
    expect(await ready({ database: up, redis: down })).toEqual({ status: 503, body: { status: 'unavailable', down: ['redis'] } });
  });

  it('is 503 naming everything that is down', async () => {
    expect(await ready({ database: down, redis: up })).toEqual({ status: 503, body: { status: 'unavailable', down: ['database'] } });
    expect(await ready({ database: down, redis: down })).toEqual({
      status: 503,
      body: { status: 'unavailable', down: ['database', 'redis'] },
    });
  });
});
