/**
 * One server for bench/limits.ts, in its own process so the load generator does not share its
 * event loop: `limits-server.ts <off|memory|redis> [redisUrl]`. Sends `{ port }` over IPC.
 */
import { createServer } from 'node:http';
import { createBenchApp } from './limits-app.js';

const [mode = 'off', redisUrl] = process.argv.slice(2);
const { yoga, close } = await createBenchApp(mode, redisUrl);
const server = createServer(yoga);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
// CPU time is what the limits add; on a shared machine it is steadier than throughput.
process.on('message', (message) => {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuMicros: user + system });
  }
});
process.on('disconnect', () => {
  close();
  server.close();
  process.exit(0);
});
