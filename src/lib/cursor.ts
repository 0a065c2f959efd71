/** Opaque page cursors: base64url of "<iso time>|<id>", the keyset of a (created_at, id) order. */

export interface Keyset {
  createdAt: Date;
  id: string;
}

export function encodeCursor(keyset: Keyset): string {
  return Buffer.from(`${keyset.createdAt.toISOString()}|${keyset.id}`, 'utf8').toString('base64url');
}

/** `undefined` for anything that is not a cursor we made. */
export function decodeCursor(cursor: string): Keyset | undefined {
  if (cursor.length > 200) return undefined;
  const [iso, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!iso || !id || rest.length > 0) return undefined;
  const createdAt = new Date(iso);
  if (Number.isNaN(createdAt.getTime())) return undefined;
  return { createdAt, id };
}

/** `first` clamped to 1..max; BAD_USER_INPUT is the caller's to raise for nonsense. */
export function pageSize(first: number | null | undefined, fallback: number, max: number): number | undefined {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > max) return undefined;
  return size;
}
