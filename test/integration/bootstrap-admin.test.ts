import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findUserByEmail } from '../../src/modules/users/user.repository.js';
import { ensureBootstrapAdmin, createUser, DEFAULT_ADMIN_EMAIL } from '../../src/modules/users/user.service.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

describe('the bootstrap admin', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('is created once with a random password when nothing is configured, and that password works', async () => {
    const first = await ensureBootstrapAdmin(t.deps, { configured: undefined, allowRandomAdmin: true });
    expect(first.kind).toBe('created-random');
    if (first.kind !== 'created-random') return;
    expect(first.email).toBe(DEFAULT_ADMIN_EMAIL);
    expect(first.password.length).toBeGreaterThanOrEqual(20);
    const row = await findUserByEmail(t.database.db, DEFAULT_ADMIN_EMAIL);
    expect(row).toMatchObject({ role: 'ADMIN', disabled: false });
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    expect(await t.deps.passwords.verify(row!.password_hash!, first.password)).toBe(true);

    const second = await ensureBootstrapAdmin(t.deps, { configured: undefined, allowRandomAdmin: true });
    expect(second.kind).toBe('admin-exists');
  });

  it('uses the configured email and password', async () => {
    const outcome = await ensureBootstrapAdmin(t.deps, {
      configured: { email: 'root@example.com', password: 'purple elephant marmalade 77' },
      allowRandomAdmin: true,
    });
    expect(outcome).toEqual({ kind: 'created-configured', email: 'root@example.com' });
    const row = await findUserByEmail(t.database.db, 'ROOT@example.com');
    expect(row?.role).toBe('ADMIN');
    expect(await t.deps.passwords.verify(row!.password_hash!, 'purple elephant marmalade 77')).toBe(true);
  });

  it('refuses a weak configured password rather than creating a weak admin', async () => {
    await expect(
      ensureBootstrapAdmin(t.deps, { configured: { email: 'root@example.com', password: 'password' }, allowRandomAdmin: true }),
    ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(await findUserByEmail(t.database.db, 'root@example.com')).toBeUndefined();
  });

  it('never touches an existing admin, and creates none with an external database', async () => {
    const skipped = await ensureBootstrapAdmin(t.deps, { configured: undefined, allowRandomAdmin: false });
    expect(skipped.kind).toBe('skipped');
    await createUser(t.deps, { email: 'boss@example.com', password: 'nimble copper lantern 4410', role: 'ADMIN' });
    const outcome = await ensureBootstrapAdmin(t.deps, {
      configured: { email: 'other@example.com', password: 'another strong passphrase 1' },
      allowRandomAdmin: true,
    });
    expect(outcome.kind).toBe('admin-exists');
    expect(await findUserByEmail(t.database.db, 'other@example.com')).toBeUndefined();
  });
});
