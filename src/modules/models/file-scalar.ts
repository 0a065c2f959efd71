import { GraphQLScalarType } from 'graphql';
import { contractError } from '../../errors.js';

const notAFile = () =>
  contractError('BAD_USER_INPUT', 'A File argument must be sent as a file part of a multipart request (GraphQL multipart request spec).', { spec: true });

const isFile = (value: unknown): value is File =>
  typeof value === 'object' && value !== null && typeof (value as { stream?: unknown }).stream === 'function';

/** Yoga puts the uploaded part (a WHATWG File) into the variables; anything else is refused. */
export const FileScalar = new GraphQLScalarType<File, never>({
  name: 'File',
  description: 'An uploaded file (GraphQL multipart request spec).',
  serialize() {
    throw new TypeError('File is an input-only scalar');
  },
  parseValue(value) {
    if (!isFile(value)) throw notAFile();
    return value;
  },
  parseLiteral() {
    throw notAFile();
  },
});
