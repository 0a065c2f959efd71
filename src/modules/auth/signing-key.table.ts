import type { Selectable } from 'kysely';

export interface SigningKeyTable {
  kid: string;
  algorithm: 'EdDSA' | 'ES256';
  public_jwk: string;
  private_key_sealed: string;
  created_at: Date;
  retired_at: Date | null;
  verify_until: Date | null;
}

export type SigningKeyRow = Selectable<SigningKeyTable>;
