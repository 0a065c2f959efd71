import { createHash } from 'node:crypto';
import type { Db } from '../../db/database.js';
import { findUserByEmail, findUserById, insertUserIfAbsent } from '../users/user.repository.js';
import type { Role, Tier, UserRow } from '../users/user.table.js';
import { displayNameProblem } from '../users/user.service.js';
import { findLinkedUserId, linkIdentity } from './oidc.repository.js';

/**
 * Outside identities (issuer + subject) and the modelgate users they are linked to. A link is
 * keyed on (iss, sub), never on an email alone: a provider may let an email change hands, a
 * subject it never reassigns.
 */

/**
 * The user behind a trusted outside access token, created on first sight. Such a user has no
 * password and a reserved address (`.invalid`, RFC 2606) derived from issuer and subject: an
 * access token's email is not proof of a mailbox, so it never links to an existing account.
 */
export async function userForExternalToken(
  db: Db,
  input: { issuer: string; subject: string; role: Role; tier: Tier; now: Date },
): Promise<UserRow | undefined> {
  const linked = await findLinkedUserId(db, input.issuer, input.subject);
  if (linked) return findUserById(db, linked);
  const email = `${createHash('sha256').update(`${input.issuer}\n${input.subject}`).digest('hex').slice(0, 32)}@external.invalid`;
  return db.transaction().execute(async (tx) => {
    const created =
      (await insertUserIfAbsent(tx, { email, password_hash: null, role: input.role, tier: input.tier, display_name: null })) ??
      (await findUserByEmail(tx, email));
    if (!created) return undefined;
    const userId = await linkIdentity(tx, input.issuer, input.subject, created.id, input.now);
    return userId === created.id ? created : findUserById(tx, userId);
  });
}

export interface VerifiedOidcIdentity {
  readonly issuer: string;
  readonly subject: string;
  /** Verified by the provider (`email_verified: true`); callers refuse anything else before this. */
  readonly email: string;
  readonly name?: string | undefined;
}

/**
 * The user an OIDC sign-in is for: the one already linked to (iss, sub); else the account with
 * the provider-verified email, which gets linked; else a new account (no password) with it.
 */
export async function userForOidcSignIn(db: Db, identity: VerifiedOidcIdentity, now: Date): Promise<{ user: UserRow; created: boolean } | undefined> {
  const linked = await findLinkedUserId(db, identity.issuer, identity.subject);
  if (linked) {
    const user = await findUserById(db, linked);
    return user ? { user, created: false } : undefined;
  }
  return db.transaction().execute(async (tx) => {
    let created = false;
    let user = await findUserByEmail(tx, identity.email);
    if (!user) {
      const name = identity.name && !displayNameProblem(identity.name) ? identity.name : null;
      user = await insertUserIfAbsent(tx, { email: identity.email, password_hash: null, role: 'USER', tier: 'FREE', display_name: name });
      created = user !== undefined;
      user ??= await findUserByEmail(tx, identity.email);
    }
    if (!user) return undefined;
    const userId = await linkIdentity(tx, identity.issuer, identity.subject, user.id, now);
    if (userId !== user.id) {
      const winner = await findUserById(tx, userId);
      return winner ? { user: winner, created: false } : undefined;
    }
    return { user, created };
  });
}
