import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disableUser, setUserRole, setUserTier, type AdminServiceDeps } from '../../src/modules/users/admin.service.js';
import { findUserById } from '../../src/modules/users/user.repository.js';
import { createUser } from '../../src/modules/users/user.service.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
const accessChanges: string[] = [];
const changes: string[] = [];
let deps: AdminServiceDeps;
let n = 0;
const newUser = (role: 'USER' | 'ADMIN' | 'MAINTAINER' = 'USER') =>
  createUser(t.deps, { email: `admin-svc-${++n}@example.com`, password: 'cobalt harbor pineapple 29', role });

beforeAll(async () => {
  t = await createTestApp();
  deps = {
    db: t.database.db,
    onUserAccessChanged: async (userId, reason) => void accessChanges.push(`${reason}:${userId}`),
    onUserChanged: (userId) => void changes.push(userId),
  };
});
afterAll(() => t.close());

describe('admin operations', () => {
  it('changes a role and ends the user’s access, but only when the role really changed', async () => {
    const user = await newUser();
    const updated = await setUserRole(deps, user.id, 'MAINTAINER');
    expect(updated.role).toBe('MAINTAINER');
    expect(accessChanges).toContain(`role_changed:${user.id}`);
    const before = accessChanges.length;
    await setUserRole(deps, user.id, 'MAINTAINER');
    expect(accessChanges.length).toBe(before);
  });

  it('disables a user and ends their access', async () => {
    const user = await newUser();
    const disabled = await disableUser(deps, user.id);
    expect(disabled.disabled).toBe(true);
    expect(accessChanges).toContain(`disabled:${user.id}`);
  });

  it('sets a tier and drops cached key verifications of the user', async () => {
    const user = await newUser();
    expect((await setUserTier(deps, user.id, 'PRO')).tier).toBe('PRO');
    expect(changes).toContain(user.id);
  });

  it('answers NOT_FOUND for an unknown or malformed id', async () => {
    await expect(setUserRole(deps, '00000000-0000-4000-8000-000000000000', 'ADMIN')).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(disableUser(deps, "1' or '1'='1")).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
  });

  it('never leaves the system without an enabled admin, even when two admins demote each other at once', async () => {
    // Make this database's admins exactly two.
    await t.database.db.updateTable('users').set({ role: 'USER' }).where('role', '=', 'ADMIN').execute();
    const a = await newUser('ADMIN');
    const b = await newUser('ADMIN');
    const results = await Promise.allSettled([setUserRole(deps, a.id, 'USER'), setUserRole(deps, b.id, 'USER')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const roles = [(await findUserById(t.database.db, a.id))!.role, (await findUserById(t.database.db, b.id))!.role];
    expect(roles.filter((r) => r === 'ADMIN')).toHaveLength(1);
    const lastAdmin = roles[0] === 'ADMIN' ? a : b;
    await expect(disableUser(deps, lastAdmin.id)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    await expect(setUserRole(deps, lastAdmin.id, 'MAINTAINER')).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});
