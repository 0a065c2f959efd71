const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A malformed id can never match a row; checking first keeps it from becoming a SQL error. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
