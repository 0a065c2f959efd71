import { describe, expect, it } from 'vitest';
import { captureLog } from '../helpers/log-capture.js';

const CANARY_PASSWORD = 'canary-Pa55word-7f3a9c';
const CANARY_JWT = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl';
const CANARY_KEY = 'mg_live_4gT9x0ZpQk2LmN8rV5sY7wB1cD3eF6hJ9kL2';
const CANARY_REFRESH = 'rTk_3b9Qw-8Zx1Lm4Np7Vc2Bn5Mj6Kh0Gf9Ds8Ap3Uo1Iy';

describe('log redaction', () => {
  it('never writes a password, token or key, wherever it appears', () => {
    const log = captureLog();
    log.logger.info({ password: CANARY_PASSWORD, input: { newPassword: CANARY_PASSWORD } }, 'login attempt');
    log.logger.info({ headers: { authorization: `Bearer ${CANARY_JWT}`, 'x-api-key': CANARY_KEY } }, 'request');
    log.logger.info({ variables: { refreshToken: CANARY_REFRESH }, nested: [{ deep: { apiKey: CANARY_KEY } }] }, 'op');
    log.logger.warn(`free text with ${CANARY_JWT} and ${CANARY_KEY} and Bearer ${CANARY_REFRESH}`);
    log.logger.error({ err: new Error(`failed for ${CANARY_KEY}`) }, 'boom');
    log.logger.info({ note: `the token is ${CANARY_REFRESH}` }, 'note');

    const text = log.text();
    for (const canary of [CANARY_PASSWORD, CANARY_JWT, CANARY_KEY, CANARY_REFRESH]) expect(text).not.toContain(canary);
    expect(text).toContain('[REDACTED]');
    // The lines are still useful: messages and harmless fields survive.
    expect(log.entries().map((e) => e['msg'])).toEqual(['login attempt', 'request', 'op', expect.any(String), 'boom', 'note']);
  });

  it('writes JSON lines with a level and time', () => {
    const log = captureLog();
    log.logger.child({ requestId: 'req-12345678' }).info('hello');
    const [entry] = log.entries();
    expect(entry).toMatchObject({ level: 'info', requestId: 'req-12345678', msg: 'hello' });
    expect(typeof entry!['time']).toBe('string');
  });

  it('keeps hex digests, which are no secret', () => {
    const log = captureLog();
    const sha = 'a'.repeat(64);
    log.logger.info({ sha256: sha }, 'model loaded');
    expect(log.text()).toContain(sha);
  });
});
