import type { YogaLogger } from 'graphql-yoga';
import type { Logger } from '../logger.js';

/** Routes yoga's own messages (including the detail of masked errors) into pino. */
export function yogaLogger(logger: Logger): YogaLogger {
  const log =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const [first, ...rest] = args;
      if (first instanceof Error) logger[level]({ err: first }, first.message);
      else logger[level]({ details: rest.length ? rest : undefined }, String(first));
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
