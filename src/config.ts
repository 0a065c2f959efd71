import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { parseDurationSeconds } from './duration.js';

/**
 * Every setting of CONTRACT.md §6 (and the limits of §5), parsed once into a frozen Config.
 * This is the only file that reads `process.env`.
 */

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly setting: string,
    readonly problem: string,
  ) {
    super(`invalid setting ${setting}: ${problem}`);
  }
}

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const seconds = parseDurationSeconds(text);
      if (seconds === undefined || seconds <= 0) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration like 900s, 15m or 14d` });
        return z.NEVER;
      }
      return seconds;
    });

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const list = z
  .string()
  .default('')
  .transform((text) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

const jsonArray = <T extends z.ZodType>(item: T) =>
  z
    .string()
    .default('[]')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.array(item));

const url = z.string().url();
// Outside identity endpoints: https, or plain http on this machine only (a test provider, a sidecar).
const secureUrl = url.refine((text) => {
  const { protocol, hostname } = new URL(text);
  return protocol === 'https:' || (protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(hostname));
}, 'must be an https:// URL (http:// only for localhost)');
// Asymmetric only: an HMAC algorithm would let a public key, or a guessed secret, sign tokens.
const JWS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

const oidcProvider = z.object({
  name: z.string().regex(/^[a-z0-9-]{1,40}$/, 'name must be lowercase letters, digits or dashes'),
  issuer: secureUrl,
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  scopes: z.array(z.string()).default(['openid', 'email', 'profile']),
});

const externalIssuer = z.object({
  issuer: z.string().min(1),
  jwksUri: secureUrl,
  audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  algorithms: z.array(z.enum(JWS_ALGORITHMS)).min(1).default(['RS256', 'ES256', 'EdDSA']),
  roleClaim: z.string().default('role'),
  tierClaim: z.string().default('tier'),
  scopeClaim: z.string().default('scope'),
  defaultRole: z.enum(['USER', 'MAINTAINER', 'ADMIN']).default('USER'),
  defaultTier: z.enum(['FREE', 'PRO', 'ENTERPRISE']).default('FREE'),
});

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
  ),
  DATA_DIR: z.string().default('./data'),
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// URL')
      .optional(),
  ),
  JWT_ISSUER: z.string().min(1).default('modelgate'),
  JWT_AUDIENCE: z.string().min(1).default('modelgate-api'),
  JWT_SIGNING_KEY: optionalString.pipe(
    z
      .string()
      .includes('BEGIN PRIVATE KEY', { message: 'must be a PKCS#8 PEM private key' })
      .optional(),
  ),
  JWT_ALGORITHM: z.enum(['EdDSA', 'ES256']).default('EdDSA'),
  MASTER_KEY: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  ACCESS_TOKEN_TTL: duration('15m'),
  REFRESH_TOKEN_TTL: duration('14d'),
  REFRESH_TOKEN_ABSOLUTE_TTL: duration('30d'),
  REFRESH_TOKEN_REUSE_INTERVAL: duration('10s'),
  BOOTSTRAP_ADMIN_EMAIL: optionalString.pipe(z.string().email().optional()),
  BOOTSTRAP_ADMIN_PASSWORD: optionalString,
  REGISTRATION: z.enum(['open', 'closed']).default('closed'),
  CORS_ORIGINS: list.pipe(z.array(z.string().regex(/^https?:\/\/[^/*]+$/, 'origins are scheme://host[:port], no wildcards'))),
  TRUST_PROXY: list,
  TLS_CERT_FILE: optionalString,
  TLS_KEY_FILE: optionalString,
  SMTP_URL: optionalString.pipe(
    z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
  ),
  MAIL_FROM: z.string().default('modelgate <no-reply@localhost>'),
  PUBLIC_URL: url.default('http://localhost:4000'),
  METRICS_TOKEN: optionalString,
  OIDC_POST_LOGIN_URL: optionalString.pipe(url.optional()),
  OIDC_PROVIDERS: jsonArray(oidcProvider),
  EXTERNAL_JWT_ISSUERS: jsonArray(externalIssuer),
  GRAPHIQL: z.enum(['on', 'off']).optional(),
  HTTPS_REDIRECT: z.enum(['on', 'off']).default('off'),
  TRUSTED_DOCUMENTS_FILE: optionalString,
  MAX_DEPTH: positiveInt(10),
  MAX_ALIASES: positiveInt(15),
  MAX_DIRECTIVES: positiveInt(50),
  MAX_TOKENS: positiveInt(2000),
  MAX_DOCUMENT_LENGTH: positiveInt(20_000),
  MAX_COST: positiveInt(5000),
  MAX_BODY_BYTES: positiveInt(1024 * 1024),
  MAX_MODEL_BYTES: positiveInt(64 * 1024 * 1024),
  BUDGET_FREE: positiveInt(1000),
  BUDGET_PRO: positiveInt(20_000),
  BUDGET_ENTERPRISE: positiveInt(200_000),
  // One core is always left to the event loop: on 2 cores, two hashes at once (even at niceness 10)
  // took the core that token checks needed (their p99 under a login burst rose 1.5-1.8x over the
  // quiet one, against 1.3-1.5x with one hash at a time).
  PASSWORD_HASH_CONCURRENCY: positiveInt(Math.max(1, availableParallelism() - 1)),
  PREDICTION_TIMEOUT: duration('5s'),
  INFERENCE_PROCESSES: positiveInt(2),
  INFERENCE_QUEUE_SIZE: positiveInt(64),
  PREDICT_MAX_IN_FLIGHT: positiveInt(4),
  SHUTDOWN_TIMEOUT: duration('10s'),
  // Read by `modelgate create-user` only; secrets never come from argv.
  MODELGATE_USER_PASSWORD: optionalString,
});

type Tier = 'FREE' | 'PRO' | 'ENTERPRISE';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly production: boolean;
  readonly logLevel: string;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly redisUrl: string | undefined;
  readonly jwt: {
    readonly issuer: string;
    readonly audience: string;
    readonly signingKeyPem: string | undefined;
    readonly algorithm: 'EdDSA' | 'ES256';
    readonly accessTokenTtlSeconds: number;
  };
  readonly masterKey: string | undefined;
  readonly refreshToken: {
    readonly idleTtlSeconds: number;
    readonly absoluteTtlSeconds: number;
    readonly reuseIntervalSeconds: number;
  };
  readonly bootstrapAdmin: { readonly email: string; readonly password: string | undefined } | undefined;
  readonly registrationOpen: boolean;
  readonly corsOrigins: readonly string[];
  readonly trustProxy: readonly string[];
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly publicUrl: string;
  readonly metricsToken: string | undefined;
  readonly oidcPostLoginUrl: string;
  readonly oidcProviders: readonly z.infer<typeof oidcProvider>[];
  readonly externalJwtIssuers: readonly z.infer<typeof externalIssuer>[];
  readonly graphiql: boolean;
  /** Answer plain-HTTP requests (socket, or a trusted proxy's `X-Forwarded-Proto`) with a redirect to https. */
  readonly httpsRedirect: boolean;
  /** A persisted-documents manifest (`{ "<hash>": "<document>" }`): only its operations run. */
  readonly trustedDocumentsFile: string | undefined;
  readonly introspectionForEveryone: boolean;
  readonly limits: {
    readonly maxDepth: number;
    readonly maxAliases: number;
    readonly maxDirectives: number;
    readonly maxTokens: number;
    readonly maxDocumentLength: number;
    readonly maxCost: number;
    readonly maxBodyBytes: number;
    readonly maxModelBytes: number;
    readonly budgets: Readonly<Record<Tier, number>>;
  };
  readonly passwordHashConcurrency: number;
  readonly inference: {
    /** Deadline of one prediction, queue wait included; past it the work is killed. */
    readonly timeoutMs: number;
    /** Model processes running at once (one core each). */
    readonly processes: number;
    /** Predictions that may wait for a process; one more answers SERVICE_UNAVAILABLE. */
    readonly queueSize: number;
    /** Predictions one identity may have running or waiting at once. */
    readonly maxInFlightPerIdentity: number;
  };
  readonly shutdownTimeoutSeconds: number;
  /** The password `modelgate create-user` uses when standard input gives none. */
  readonly cliUserPassword: string | undefined;
}

export type Environment = Record<string, string | undefined>;

/** Parses the environment into a frozen Config, or throws a ConfigError naming the first bad setting. */
export function loadConfig(env: Environment = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const setting = String(issue.path[0] ?? 'environment');
    const where = issue.path.length > 1 ? ` (at ${issue.path.slice(1).join('.')})` : '';
    throw new ConfigError(setting, `${issue.message}${where}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';

  if (production && !e.MASTER_KEY) throw new ConfigError('MASTER_KEY', 'is required when NODE_ENV=production');
  if (production && !e.DATABASE_URL) throw new ConfigError('DATABASE_URL', 'is required when NODE_ENV=production');
  if ((e.TLS_CERT_FILE === undefined) !== (e.TLS_KEY_FILE === undefined)) {
    throw new ConfigError(e.TLS_CERT_FILE ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE', 'must be set together with its pair');
  }
  if (e.HTTPS_REDIRECT === 'on' && e.TRUST_PROXY.length === 0) {
    // Without a proxy whose X-Forwarded-Proto we believe, every request looks plain: a redirect loop.
    throw new ConfigError('HTTPS_REDIRECT', 'needs TRUST_PROXY (the proxy that terminates TLS)');
  }
  if (e.BOOTSTRAP_ADMIN_PASSWORD && !e.BOOTSTRAP_ADMIN_EMAIL) {
    throw new ConfigError('BOOTSTRAP_ADMIN_EMAIL', 'is required when BOOTSTRAP_ADMIN_PASSWORD is set');
  }
  if (e.EXTERNAL_JWT_ISSUERS.some((i) => i.issuer === e.JWT_ISSUER)) {
    // Our own tokens must never be checked against someone else's keys, nor theirs against ours.
    throw new ConfigError('EXTERNAL_JWT_ISSUERS', 'an issuer must differ from JWT_ISSUER');
  }
  if (new Set(e.OIDC_PROVIDERS.map((p) => p.name)).size !== e.OIDC_PROVIDERS.length) {
    throw new ConfigError('OIDC_PROVIDERS', 'provider names must be unique');
  }
  if (e.REFRESH_TOKEN_ABSOLUTE_TTL < e.REFRESH_TOKEN_TTL) {
    throw new ConfigError('REFRESH_TOKEN_ABSOLUTE_TTL', 'must not be shorter than REFRESH_TOKEN_TTL');
  }

  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    nodeEnv: e.NODE_ENV,
    production,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    redisUrl: e.REDIS_URL,
    jwt: {
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      signingKeyPem: e.JWT_SIGNING_KEY,
      algorithm: e.JWT_ALGORITHM,
      accessTokenTtlSeconds: Math.round(e.ACCESS_TOKEN_TTL),
    },
    masterKey: e.MASTER_KEY,
    refreshToken: {
      idleTtlSeconds: Math.round(e.REFRESH_TOKEN_TTL),
      absoluteTtlSeconds: Math.round(e.REFRESH_TOKEN_ABSOLUTE_TTL),
      reuseIntervalSeconds: e.REFRESH_TOKEN_REUSE_INTERVAL,
    },
    bootstrapAdmin: e.BOOTSTRAP_ADMIN_EMAIL
      ? { email: e.BOOTSTRAP_ADMIN_EMAIL, password: e.BOOTSTRAP_ADMIN_PASSWORD }
      : undefined,
    registrationOpen: e.REGISTRATION === 'open',
    corsOrigins: e.CORS_ORIGINS,
    trustProxy: e.TRUST_PROXY,
    tls: e.TLS_CERT_FILE && e.TLS_KEY_FILE ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE } : undefined,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    publicUrl: e.PUBLIC_URL.replace(/\/+$/, ''),
    metricsToken: e.METRICS_TOKEN,
    oidcPostLoginUrl: e.OIDC_POST_LOGIN_URL ?? e.PUBLIC_URL,
    oidcProviders: e.OIDC_PROVIDERS,
    externalJwtIssuers: e.EXTERNAL_JWT_ISSUERS,
    graphiql: e.GRAPHIQL ? e.GRAPHIQL === 'on' : !production,
    httpsRedirect: e.HTTPS_REDIRECT === 'on',
    trustedDocumentsFile: e.TRUSTED_DOCUMENTS_FILE,
    introspectionForEveryone: !production,
    limits: {
      maxDepth: e.MAX_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxDirectives: e.MAX_DIRECTIVES,
      maxTokens: e.MAX_TOKENS,
      maxDocumentLength: e.MAX_DOCUMENT_LENGTH,
      maxCost: e.MAX_COST,
      maxBodyBytes: e.MAX_BODY_BYTES,
      maxModelBytes: e.MAX_MODEL_BYTES,
      budgets: { FREE: e.BUDGET_FREE, PRO: e.BUDGET_PRO, ENTERPRISE: e.BUDGET_ENTERPRISE },
    },
    passwordHashConcurrency: e.PASSWORD_HASH_CONCURRENCY,
    inference: {
      timeoutMs: Math.round(e.PREDICTION_TIMEOUT * 1000),
      processes: e.INFERENCE_PROCESSES,
      queueSize: e.INFERENCE_QUEUE_SIZE,
      maxInFlightPerIdentity: e.PREDICT_MAX_IN_FLIGHT,
    },
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT,
    cliUserPassword: e.MODELGATE_USER_PASSWORD,
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
