import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function problem(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('has the defaults of CONTRACT.md §6 on an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.production).toBe(false);
    expect(config.jwt.issuer).toBe('modelgate');
    expect(config.jwt.audience).toBe('modelgate-api');
    expect(config.jwt.accessTokenTtlSeconds).toBe(900);
    expect(config.refreshToken).toEqual({ idleTtlSeconds: 14 * 86_400, absoluteTtlSeconds: 30 * 86_400, reuseIntervalSeconds: 10 });
    expect(config.registrationOpen).toBe(false);
    expect(config.graphiql).toBe(true);
    expect(config.limits.budgets).toEqual({ FREE: 1000, PRO: 20_000, ENTERPRISE: 200_000 });
    expect(config.limits.maxBodyBytes).toBe(1024 * 1024);
    expect(config.publicUrl).toBe('http://localhost:4000');
    expect(config.oidcPostLoginUrl).toBe('http://localhost:4000');
    // Hashing leaves one core to the event loop (and never runs fewer than one hash).
    expect(config.passwordHashConcurrency).toBe(Math.max(1, availableParallelism() - 1));
    expect(loadConfig({ PASSWORD_HASH_CONCURRENCY: '3' }).passwordHashConcurrency).toBe(3);
  });

  it('is frozen all the way down', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.limits.budgets)).toBe(true);
    expect(() => {
      (config.jwt as { issuer: string }).issuer = 'evil';
    }).toThrow(TypeError);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ ACCESS_TOKEN_TTL: '15 fortnights' }, 'ACCESS_TOKEN_TTL'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ OIDC_PROVIDERS: '[{' }, 'OIDC_PROVIDERS'],
    [{ OIDC_PROVIDERS: '[{"name":"x"}]' }, 'OIDC_PROVIDERS'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS'],
    [{ REGISTRATION: 'maybe' }, 'REGISTRATION'],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://h/db' }, 'MASTER_KEY'],
    [{ NODE_ENV: 'production', MASTER_KEY: 'k'.repeat(32) }, 'DATABASE_URL'],
    [{ TLS_CERT_FILE: '/c.pem' }, 'TLS_KEY_FILE'],
    [{ REFRESH_TOKEN_TTL: '40d' }, 'REFRESH_TOKEN_ABSOLUTE_TTL'],
    [{ JWT_SIGNING_KEY: 'not a pem' }, 'JWT_SIGNING_KEY'],
    [{ HTTPS_REDIRECT: 'yes' }, 'HTTPS_REDIRECT'],
    [{ HTTPS_REDIRECT: 'on' }, 'HTTPS_REDIRECT'],
  ])('%o stops the start naming %s', (env, setting) => {
    const error = problem(env);
    expect(error.setting).toBe(setting);
    expect(error.message).toMatch(new RegExp(`^invalid setting ${setting}: `));
    expect(error.message).not.toContain('\n');
  });

  it('parses ms-style durations', () => {
    const config = loadConfig({ ACCESS_TOKEN_TTL: '900s', REFRESH_TOKEN_TTL: '1h', REFRESH_TOKEN_REUSE_INTERVAL: '1500ms' });
    expect(config.jwt.accessTokenTtlSeconds).toBe(900);
    expect(config.refreshToken.idleTtlSeconds).toBe(3600);
    expect(config.refreshToken.reuseIntervalSeconds).toBe(1.5);
  });

  it('turns on every production default at once', () => {
    const config = loadConfig({ NODE_ENV: 'production', MASTER_KEY: 'k'.repeat(32), DATABASE_URL: 'postgres://h/db' });
    expect(config.production).toBe(true);
    expect(config.graphiql).toBe(false);
    expect(config.introspectionForEveryone).toBe(false);
  });

  it('reads comma lists and JSON arrays', () => {
    const config = loadConfig({
      CORS_ORIGINS: 'https://a.example, https://b.example:8443',
      TRUST_PROXY: '10.0.0.0/8,::1',
      EXTERNAL_JWT_ISSUERS: '[{"issuer":"https://idp","jwksUri":"https://idp/jwks","audience":"api"}]',
    });
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example:8443']);
    expect(config.trustProxy).toEqual(['10.0.0.0/8', '::1']);
    expect(config.externalJwtIssuers[0]).toMatchObject({ issuer: 'https://idp', defaultRole: 'USER', scopeClaim: 'scope' });
  });

  it('redirects plain HTTP and locks operations to a manifest only when told to', () => {
    const defaults = loadConfig({});
    expect(defaults.httpsRedirect).toBe(false);
    expect(defaults.trustedDocumentsFile).toBeUndefined();
    const locked = loadConfig({ HTTPS_REDIRECT: 'on', TRUST_PROXY: '10.0.0.0/8', TRUSTED_DOCUMENTS_FILE: '/etc/modelgate/persisted-documents.json' });
    expect(locked.httpsRedirect).toBe(true);
    expect(locked.trustedDocumentsFile).toBe('/etc/modelgate/persisted-documents.json');
  });

  it('has inference defaults (deadline, processes, queue, in-flight per identity) and reads them', () => {
    expect(loadConfig({}).inference).toEqual({ timeoutMs: 5000, processes: 2, queueSize: 64, maxInFlightPerIdentity: 4 });
    expect(loadConfig({}).limits.maxModelBytes).toBe(64 * 1024 * 1024);
    const config = loadConfig({ PREDICTION_TIMEOUT: '750ms', INFERENCE_PROCESSES: '1', INFERENCE_QUEUE_SIZE: '3', PREDICT_MAX_IN_FLIGHT: '2' });
    expect(config.inference).toEqual({ timeoutMs: 750, processes: 1, queueSize: 3, maxInFlightPerIdentity: 2 });
    expect(problem({ PREDICTION_TIMEOUT: 'soon' }).setting).toBe('PREDICTION_TIMEOUT');
    expect(problem({ INFERENCE_QUEUE_SIZE: '0' }).setting).toBe('INFERENCE_QUEUE_SIZE');
  });
});
