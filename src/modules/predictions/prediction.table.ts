import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Json<T> = ColumnType<T, string, string>;

export interface PredictionTable {
  id: Generated<string>;
  user_id: string;
  model_id: string;
  rows: number;
  outputs: Json<number[][]>;
  output_shape: Json<number[]>;
  labels: Json<string[] | null>;
  warnings: Json<string[]>;
  cost: number;
  latency_ms: number;
  /** SHA-256 of the canonical JSON of the inputs: proves what was asked without keeping it. */
  input_digest: string;
  /** The raw inputs, only for models that opt in (store_inputs). */
  inputs: Json<number[][] | null>;
  idempotency_key: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export type PredictionRow = Selectable<PredictionTable>;
export type NewPrediction = Insertable<PredictionTable>;
