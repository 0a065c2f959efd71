import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { App } from './app.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

/** Node's header cap (also its default): a request with more header bytes is answered 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish (up to the timeout), then resolves. */
  close(): Promise<void>;
}

export interface ListenOptions {
  config: Config;
  logger: Logger;
  /** Overrides config.port (tests pass 0 for a free port). */
  port?: number;
  /** Overrides the slow-client deadlines (tests shorten them). */
  timeouts?: Partial<Timeouts>;
  /**
   * Requests one keep-alive socket serves before node answers `Connection: close`, so load spreads
   * after a deploy; 0 is unlimited. The bench passes 0: autocannon ignores `Connection: close`,
   * keeps sending on the socket and would count node's instant 503s as answers. @default 1000
   */
  maxRequestsPerSocket?: number;
}

export interface Timeouts {
  /** The request's headers must arrive within this. @default 10000 */
  headersMs: number;
  /** The whole request (headers and body) must arrive within this. @default 30000 */
  requestMs: number;
  /** An idle keep-alive socket is closed after this. @default 5000 */
  keepAliveMs: number;
  /** How often node checks the two deadlines above. @default 1000 */
  checkIntervalMs: number;
}

const DEFAULT_TIMEOUTS: Timeouts = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000, checkIntervalMs: 1_000 };

/** Serves the app over HTTP, or HTTPS when TLS files are configured. */
export async function listen(app: App, options: ListenOptions): Promise<RunningServer> {
  const { config, logger } = options;
  // Yoga's node adapter puts `req` into the server context; the context reads the peer from it.
  const handler = (req: IncomingMessage, res: ServerResponse) => void app.requestListener(req, res);
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const hygiene = {
    // Larger header blocks are answered 431 by node before any of our code runs.
    maxHeaderSize: MAX_HEADER_BYTES,
    // Slow clients cannot hold sockets open: the headers, then the whole request, have deadlines.
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionsCheckingInterval: timeouts.checkIntervalMs,
  };
  const server: Server = config.tls
    ? createHttpsServer(
        {
          ...hygiene,
          cert: readFileSync(config.tls.certFile),
          key: readFileSync(config.tls.keyFile),
          minVersion: 'TLSv1.2',
          handshakeTimeout: 10_000,
        },
        handler,
      )
    : createHttpServer(hygiene, handler);

  server.maxHeadersCount = 100;
  server.maxRequestsPerSocket = options.maxRequestsPerSocket ?? 1000;
  // An idle socket (no request in flight) is closed.
  server.setTimeout(60_000);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${config.tls ? 'https' : 'http'}://${host}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        logger.warn('shutdown timeout reached; closing remaining connections');
        server.closeAllConnections();
      }, config.shutdownTimeoutSeconds * 1000);
      timer.unref();
      server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      // Idle keep-alive sockets would otherwise hold close() open until they time out.
      server.closeIdleConnections();
    });
    return closing;
  };
  return { server, url, close };
}
