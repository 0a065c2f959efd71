import type { Server } from 'node:http';

/** Closes a test's HTTP server at once: keep-alive sockets are cut, not waited for. */
export async function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
