import type { Scope } from './principal.js';

/** The schema's `Scope` enum value for each token scope string, and back. */
export type ScopeEnum = 'MODELS_READ' | 'MODELS_WRITE' | 'PREDICT';

const TO_ENUM: Readonly<Record<Scope, ScopeEnum>> = {
  'models:read': 'MODELS_READ',
  'models:write': 'MODELS_WRITE',
  predict: 'PREDICT',
};
const FROM_ENUM: Readonly<Record<ScopeEnum, Scope>> = {
  MODELS_READ: 'models:read',
  MODELS_WRITE: 'models:write',
  PREDICT: 'predict',
};

export const scopeToEnum = (scope: Scope): ScopeEnum => TO_ENUM[scope];
export const scopeFromEnum = (value: ScopeEnum): Scope => FROM_ENUM[value];
export const isScopeEnum = (value: unknown): value is ScopeEnum => typeof value === 'string' && value in FROM_ENUM;
