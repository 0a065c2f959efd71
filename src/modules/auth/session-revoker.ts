/** Ends sessions when a user's access changes (role change, disabled). */
export interface SessionRevoker {
  revokeAllForUser(userId: string): Promise<void>;
}
