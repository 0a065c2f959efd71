import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { App } from './app.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

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
}

/** Serves the app over HTTP, or HTTPS when TLS files are configured. */
export async function listen(app: App, options: ListenOptions): Promise<RunningServer> {
  const { config, logger } = options;
  // Yoga's node adapter puts `req` into the server context; the context reads the peer from it.
  const handler = (req: IncomingMessage, res: ServerResponse) => void app.requestListener(req, res);
  const server: Server = config.tls
    ? createHttpsServer(
        {
          cert: readFileSync(config.tls.certFile),
          key: readFileSync(config.tls.keyFile),
          minVersion: 'TLSv1.2',
        },
        handler,
      )
    : createHttpServer(handler);

  // Slow clients cannot hold sockets open forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;

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
