// `npm run bench`: each scenario side by side with its baseline, in one run, on this machine.
import { measure, printRatio, printTable, startServer, type BenchServer } from './lib.js';

const servers: BenchServer[] = [];
try {
  const yoga = await startServer('bench/servers/yoga-hello.ts');
  servers.push(yoga);
  const modelgate = await startServer('bench/servers/modelgate.ts');
  servers.push(modelgate);

  console.log('\n# foundation: modelgate vs a bare graphql-yoga\n');
  const bare = await measure({ name: 'bare yoga { hello }', url: yoga.url, body: { query: '{ hello }' } });
  const ours = await measure({ name: 'modelgate { __typename }', url: modelgate.url, body: { query: '{ __typename }' } });
  printTable([bare, ours]);
  printRatio('modelgate / bare yoga (requests per second)', ours, bare);
} finally {
  for (const server of servers) server.stop();
}
