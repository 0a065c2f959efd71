import type { ColumnType, Generated, Insertable, RawBuilder, Selectable } from 'kysely';

type Json<T> = ColumnType<T, string, string>;

export interface PredictionTable {
  id: Generated<string>;
  user_id: string;
  model_id: string;
  rows: number;
  /** Rows stored before the float32 column: outputs as a jsonb array of arrays. */
  outputs: ColumnType<number[][] | null, string | null | undefined, never>;
  /** The outputs as little-endian float32 bytes, row after row (see output-codec.ts). */
  outputs_f32: ColumnType<Uint8Array | null, RawBuilder<Uint8Array> | null | undefined, never>;
  output_shape: Json<number[]>;
  /** Rows stored before the float32 column only; newer rows' labels follow from the outputs. */
  labels: Json<string[] | null>;
  warnings: Json<string[]>;
  cost: number;
  latency_ms: number;
  /** SHA-256 of the model, batch shape and input values (input-digest.ts): proves what was asked without keeping it. */
  input_digest: string;
  /** The raw inputs, only for models that opt in (store_inputs). */
  inputs: Json<number[][] | null>;
  idempotency_key: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export type NewPrediction = Insertable<PredictionTable>;

/** A prediction as the service hands it out: outputs decoded, however they were stored. */
export type PredictionRow = Omit<Selectable<PredictionTable>, 'outputs' | 'outputs_f32'> & { outputs: number[][] };
