import { randomBytes } from 'node:crypto';
import type { Role, Tier, UserRow } from '../../src/modules/users/user.table.js';
import { createUser } from '../../src/modules/users/user.service.js';
import type { TestApp } from './app.js';

export interface SignedInUser {
  readonly user: UserRow;
  readonly email: string;
  readonly password: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Headers that authenticate a request as this user. */
  readonly headers: Record<string, string>;
}

export interface SignInOptions {
  role?: Role;
  tier?: Tier;
  email?: string;
  password?: string;
}

/** A password the policy accepts, different every call. */
export function strongPassword(): string {
  return `correct horse battery ${randomBytes(6).toString('hex')}`;
}

export const LOGIN = /* GraphQL */ `
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) { accessToken refreshToken tokenType expiresIn user { id email role } }
  }
`;

/** Inserts a user through the users service and signs in through the real `login` mutation. */
export async function createUserAndLogin(t: TestApp, opts: SignInOptions = {}): Promise<SignedInUser> {
  const email = opts.email ?? `user-${randomBytes(5).toString('hex')}@example.com`;
  const password = opts.password ?? strongPassword();
  const user = await createUser(t.deps, { email, password, role: opts.role ?? 'USER', tier: opts.tier ?? 'FREE' });
  const response = await t.gql(LOGIN, { email, password });
  const login = response.body.data?.['login'] as { accessToken: string; refreshToken: string } | undefined;
  if (!login) throw new Error(`login failed: ${JSON.stringify(response.body.errors)}`);
  return {
    user,
    email,
    password,
    accessToken: login.accessToken,
    refreshToken: login.refreshToken,
    headers: { authorization: `Bearer ${login.accessToken}` },
  };
}
