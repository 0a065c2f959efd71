import { pino, type DestinationStream, type Logger } from 'pino';
import { redactDeep, scrubString } from './redact.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  /** Where JSON lines go; standard output when absent. Tests pass a capture stream. */
  destination?: DestinationStream;
}

/**
 * JSON-lines logger. Every object is deep-redacted and every message scrubbed, so a
 * password, token or key never reaches the log however it was passed in.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactDeep(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const cleaned = args.map((arg) => (typeof arg === 'string' ? scrubString(arg) : arg));
          return method.apply(this, cleaned as Parameters<typeof method>);
        },
      },
      serializers: {
        err: (error: unknown) => redactDeep(error),
      },
    },
    options.destination,
  );
}
