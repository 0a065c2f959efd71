import type { PGlite } from '@electric-sql/pglite';

/**
 * PGlite 0.4 copies its whole table of type parsers (`{ ...this.parsers }`) on every query, to
 * read the answer with: 316 entries, about 140 µs a query on a 2-core machine, two thirds of them
 * for arrays of the system catalogs' row types (`_pg_class`, `_pg_attribute`, ...), which no query
 * of ours returns. Without those, every query costs about 90 µs less (a login makes two or three);
 * every base type, and every array of one, keeps its parser. An array of row values would come back
 * as PostgreSQL's text for it. If a later PGlite keeps its parsers elsewhere, this finds nothing to
 * drop and changes nothing.
 */
export async function dropRowTypeParsers(client: PGlite): Promise<number> {
  const holder = client as unknown as { parsers?: Record<string, unknown> };
  const parsers = holder.parsers;
  if (!parsers || typeof parsers !== 'object') return 0;
  const oids = Object.keys(parsers).filter((key) => /^\d+$/.test(key)).map(Number);
  const { rows } = await client.query<{ oid: number }>(
    `select t.oid::int as oid
       from pg_catalog.pg_type t
       left join pg_catalog.pg_type e on e.oid = t.typelem
      where t.oid = any($1::oid[]) and (t.typrelid <> 0 or coalesce(e.typrelid, 0) <> 0)`,
    [oids],
  );
  const dropped = new Set(rows.map((row) => String(row.oid)));
  holder.parsers = Object.fromEntries(Object.entries(parsers).filter(([key]) => !dropped.has(key)));
  return dropped.size;
}
