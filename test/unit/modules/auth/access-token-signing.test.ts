import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, signAccessToken, verifyAccessToken, type SigningAlgorithm } from '../../../../src/modules/auth/tokens.js';

const input = {
  issuer: 'https://modelgate.test',
  audience: 'modelgate',
  userId: '6f1c1d5e-8a4f-4a53-9d0e-5f0c2f1b7a10',
  sessionId: '0b6f3c0a-2d7e-4f59-8f3a-1c2d3e4f5a6b',
  role: 'MAINTAINER',
  tier: 'PRO',
  scopes: ['models:read', 'predict', 'models:write'],
  ttlSeconds: 900,
  nowMs: Date.UTC(2026, 10, 29, 12, 0, 0, 750),
};

describe.each<SigningAlgorithm>(['EdDSA', 'ES256'])('access tokens signed with %s', (alg) => {
  it('are compact JWSs that jose verifies, with the header and claims of CONTRACT.md §2', async () => {
    const { key } = await generateSigningKey(alg);
    const token = signAccessToken(key, input);
    expect(decodeProtectedHeader(token)).toEqual({ alg, kid: key.kid, typ: 'at+jwt' });
    const { payload } = await jwtVerify(token, key.publicKey, {
      algorithms: [alg],
      typ: 'at+jwt',
      issuer: input.issuer,
      audience: input.audience,
      currentDate: new Date(input.nowMs),
    });
    const now = Math.floor(input.nowMs / 1000);
    expect(payload).toEqual({
      iss: input.issuer,
      aud: input.audience,
      sub: input.userId,
      sid: input.sessionId,
      role: 'MAINTAINER',
      tier: 'PRO',
      scope: 'models:read predict models:write',
      iat: now,
      nbf: now,
      exp: now + 900,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const claims = await verifyAccessToken(token, { issuer: input.issuer, audience: input.audience, keyFor: async () => key, nowMs: input.nowMs });
    expect(claims.sub).toBe(input.userId);
  });

  it('fail verification when one bit of the signed part changes, and carry a fresh jti each time', async () => {
    const { key } = await generateSigningKey(alg);
    const token = signAccessToken(key, input);
    const [header, payload, signature] = token.split('.');
    const tampered = `${header}.${payload!.slice(0, -2)}${payload!.at(-2) === 'A' ? 'B' : 'A'}${payload!.at(-1)}.${signature}`;
    await expect(verifyAccessToken(tampered, { issuer: input.issuer, audience: input.audience, keyFor: async () => key, nowMs: input.nowMs })).rejects.toThrow();
    expect(signAccessToken(key, input).split('.')[1]).not.toBe(payload);
  });
});
