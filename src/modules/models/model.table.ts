import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export type RangePolicy = 'reject' | 'warn';

type Json<T> = ColumnType<T, string, string>;

export interface ModelTable {
  id: Generated<string>;
  name: string;
  version: number;
  description: string | null;
  sha256: string;
  size_bytes: ColumnType<string | number, number, number>;
  feature_count: number;
  feature_names: Json<string[] | null>;
  labels: Json<string[] | null>;
  feature_min: Json<Array<number | null> | null>;
  feature_max: Json<Array<number | null> | null>;
  feature_mean: Json<Array<number | null> | null>;
  feature_std: Json<Array<number | null> | null>;
  range_policy: ColumnType<RangePolicy, RangePolicy | undefined, RangePolicy>;
  zscore_threshold: ColumnType<number, number | undefined, number>;
  max_batch_size: number;
  cost_weight: ColumnType<number, number | undefined, number>;
  store_inputs: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  deleted_at: ColumnType<Date | null, never, Date>;
}

export type ModelRow = Selectable<ModelTable>;
export type NewModel = Insertable<ModelTable>;
