import type { Redis } from '../db/redis.js';
import type { Logger } from '../logger.js';

/**
 * Tells every instance to drop a cached decision (a revoked key, a changed user) at once.
 * Local handlers run synchronously; with Redis the message also reaches the other instances
 * through pub/sub. Without Redis there is one instance, and the local call is the whole story.
 */
export interface InvalidationBus {
  publish(topic: string, id: string): void;
  subscribe(handler: (topic: string, id: string) => void): void;
  close(): void;
}

const CHANNEL = 'modelgate:invalidate';

/** What a message invalidates; its id names the key or the user. */
export const TOPICS = Object.freeze({
  /** One API key was revoked or rotated. */
  apiKey: 'api-key',
  /** A user's role, tier or disabled flag changed: every cached fact about them is stale. */
  user: 'user',
});

export function createInvalidationBus(redis: Redis | undefined, logger: Logger): InvalidationBus {
  const handlers: Array<(topic: string, id: string) => void> = [];
  const deliver = (topic: string, id: string) => {
    for (const handler of handlers) handler(topic, id);
  };
  // Each instance tags its messages so it does not handle its own twice.
  const origin = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  let subscriber: Redis | undefined;
  if (redis) {
    subscriber = redis.duplicate({ enableOfflineQueue: true });
    subscriber.on('error', () => undefined); // the main client already reports Redis trouble
    void subscriber.subscribe(CHANNEL).catch((error: unknown) => logger.warn({ err: error }, 'invalidation subscribe failed'));
    subscriber.on('message', (_channel: string, message: string) => {
      const [from, topic, id] = message.split('\u0000');
      if (from !== origin && topic && id) deliver(topic, id);
    });
  }
  return {
    publish(topic, id) {
      deliver(topic, id);
      redis?.publish(CHANNEL, [origin, topic, id].join('\u0000')).catch((error: unknown) => {
        logger.warn({ err: error, topic }, 'invalidation not published to other instances');
      });
    },
    subscribe(handler) {
      handlers.push(handler);
    },
    close() {
      subscriber?.disconnect();
    },
  };
}
