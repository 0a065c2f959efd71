import { GraphQLScalarType, Kind } from 'graphql';
import { contractError } from './errors.js';

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

const invalid = () =>
  contractError('BAD_USER_INPUT', 'DateTime must be an ISO-8601 instant such as 2026-01-31T12:00:00Z.', { spec: true });

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize(value) {
    const date = toDate(value);
    if (!date) throw new TypeError('DateTime cannot represent this value');
    return date.toISOString();
  },
  parseValue(value) {
    const date = toDate(value);
    if (!date) throw invalid();
    return date;
  },
  parseLiteral(ast) {
    const date = ast.kind === Kind.STRING ? toDate(ast.value) : undefined;
    if (!date) throw invalid();
    return date;
  },
});
