import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authRuntime } from '../../../src/modules/auth/auth-runtime.js';
import { rotateSigningKey } from '../../../src/modules/auth/key-ring.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { createUserAndLogin } from '../../helpers/auth.js';
import { decodeHeader } from '../../helpers/jwt.js';

const run = promisify(execFile);

interface Jwks {
  keys: Array<Record<string, unknown>>;
}

describe('signing keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const jwks = async (): Promise<{ status: number; cacheControl: string | null; body: Jwks }> => {
    const response = await t.app.fetch('http://localhost/.well-known/jwks.json');
    return { status: response.status, cacheControl: response.headers.get('cache-control'), body: (await response.json()) as Jwks };
  };
  const me = async (headers: Record<string, string>) => (await t.gql('{ me { id } }', {}, headers)).status;

  it('are generated at first start and stored sealed, never as a readable private key', async () => {
    const published = await jwks();
    const rows = await t.deps.database.db.selectFrom('signing_keys').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.algorithm).toBe('EdDSA');
    expect(rows[0]!.private_key_sealed).toMatch(/^v1\./);
    expect(rows[0]!.private_key_sealed).not.toContain('PRIVATE KEY');
    expect(published.status).toBe(200);
    expect(published.cacheControl).toMatch(/max-age=\d+/);
    expect(published.body.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: rows[0]!.kid, alg: 'EdDSA', use: 'sig' }]);
  });

  it('rotate-signing-key: old tokens keep working, new ones use the new key, and the JWKS lists both', async () => {
    const before = await createUserAndLogin(t);
    const oldKid = String(decodeHeader(before.accessToken)['kid']);
    const { kid: newKid, retired } = await rotateSigningKey(authRuntime(t.deps).keyRingOptions);
    expect(retired).toEqual([oldKid]);

    // An instance re-reads its keys within a minute; move the clock past that and let it.
    t.clock.advance(61_000);
    await jwks();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const kids = (await jwks()).body.keys.map((k) => k['kid']);
    expect(kids.sort()).toEqual([oldKid, newKid].sort());

    const after = await createUserAndLogin(t);
    expect(decodeHeader(after.accessToken)['kid']).toBe(newKid);
    expect(await me(before.headers)).toBe(200);
    expect(await me(after.headers)).toBe(200);

    // Once every token the old key signed has expired, it is neither published nor accepted.
    t.clock.advance(16 * 60_000 + 60_000);
    await jwks();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await jwks()).body.keys.map((k) => k['kid'])).toEqual([newKid]);
  });
});

describe('signing keys across instances', () => {
  it('a token signed with a key rotated in elsewhere is accepted at once (an unknown kid re-reads the keys)', { timeout: 180_000 }, async () => {
    const a = await createTestApp();
    const b = await createTestApp({ database: a.database, clock: a.clock });
    try {
      const before = await createUserAndLogin(a);
      expect((await b.gql('{ me { id } }', {}, before.headers)).status).toBe(200);
      const { kid } = await rotateSigningKey(authRuntime(a.deps).keyRingOptions);
      // A new instance signs with the new key; B still holds the old key set.
      const c = await createTestApp({ database: a.database, clock: a.clock });
      try {
        const after = await createUserAndLogin(c);
        expect(decodeHeader(after.accessToken)['kid']).toBe(kid);
        expect((await b.gql('{ me { id } }', {}, after.headers)).status).toBe(200);
        expect((await b.gql('{ me { id } }', {}, before.headers)).status).toBe(200);
      } finally {
        await c.close();
      }
    } finally {
      await b.close();
      await a.close();
    }
  });
});

describe('JWT_SIGNING_KEY', () => {
  it('an ES256 key from the setting signs, is published, and cannot be rotated from the command', { timeout: 180_000 }, async () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const t = await createTestApp({ env: { JWT_SIGNING_KEY: pem } });
    try {
      const user = await createUserAndLogin(t);
      expect(decodeHeader(user.accessToken)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
      expect((await t.gql('{ me { id } }', {}, user.headers)).status).toBe(200);
      const body = (await (await t.app.fetch('http://localhost/.well-known/jwks.json')).json()) as Jwks;
      expect(body.keys).toEqual([{ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: decodeHeader(user.accessToken)['kid'], alg: 'ES256', use: 'sig' }]);
      expect(JSON.stringify(body)).not.toContain('"d"');
      await expect(rotateSigningKey(authRuntime(t.deps).keyRingOptions)).rejects.toThrow(/JWT_SIGNING_KEY/);
      expect(await t.deps.database.db.selectFrom('signing_keys').selectAll().execute()).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

describe('modelgate rotate-signing-key (the real command)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'modelgate-keys-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates a master key file (0600) outside production and retires the previous key', { timeout: 180_000 }, async () => {
    const env = { PATH: process.env['PATH'], DATA_DIR: dataDir, NODE_ENV: 'development', LOG_LEVEL: 'silent' };
    const cli = path.resolve('bin/modelgate.js');
    const first = await run(process.execPath, [cli, 'rotate-signing-key'], { env, timeout: 120_000 });
    const firstKid = /new signing key (\S+) is active/.exec(first.stdout)?.[1];
    expect(firstKid).toBeDefined();
    expect((statSync(path.join(dataDir, 'master.key')).mode & 0o777).toString(8)).toBe('600');
    const second = await run(process.execPath, [cli, 'rotate-signing-key'], { env, timeout: 120_000 });
    expect(second.stdout).toContain(`retired ${firstKid}: it keeps verifying for`);
  });
});
