// `npm run bench`: each scenario side by side with its baseline, in one run, on this machine.
// BENCH_DURATION (seconds per measurement, default 5) trades precision for time.
import { runLimitsBench } from './limits.js';
import { openLoginLoad } from './login-load.js';
import { combineRounds, measure, measureInterleaved, median, printRatio, printTable, startServer, type BenchServer, type Measured } from './lib.js';
import { runPredictBench } from './predict.js';

const durationSeconds = Number(process.env['BENCH_DURATION'] ?? 5);
// BENCH_ONLY=auth,limits,predict runs some sections (default: all).
const only = (process.env['BENCH_ONLY'] ?? '').split(',').filter(Boolean);
const wants = (section: string) => only.length === 0 || only.includes(section);
const ME = { query: '{ me { id } }' };
const TYPENAME = { query: '{ __typename }' };
const verdicts: Array<[string, boolean]> = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const servers: BenchServer[] = [];
if (wants('auth')) try {
  const yoga = await startServer('bench/servers/yoga-hello.ts');
  servers.push(yoga);
  const modelgate = await startServer('bench/servers/modelgate.ts', {}, ['CREDENTIALS']);
  servers.push(modelgate);
  const peer = await startServer('bench/peers/apollo-shield.ts', {}, ['TOKEN']);
  servers.push(peer);
  const credentials = JSON.parse(modelgate.lines['CREDENTIALS']!) as { accessToken: string; apiKey: string; email: string; password: string; loginEmails: string[]; listToken: string };
  const bearer = { authorization: `Bearer ${credentials.accessToken}` };

  console.log('\n# foundation, sign-in (issue 3), API keys (issue 4): measured side by side in alternating 1 s rounds\n');
  const [bare, publicQuery, withToken, withKey, peerMe] = await measureInterleaved(
    [
      { name: 'bare yoga { hello }', url: yoga.url, body: { query: '{ hello }' } },
      { name: 'modelgate { __typename } (public)', url: modelgate.url, body: TYPENAME },
      { name: 'modelgate { me { id } } bearer token', url: modelgate.url, body: ME, headers: bearer },
      { name: 'modelgate { me { id } } API key', url: modelgate.url, body: ME, headers: { 'x-api-key': credentials.apiKey } },
      { name: 'Apollo Server 5 + graphql-shield { me { id } }', url: peer.url, body: ME, headers: { authorization: `Bearer ${peer.lines['TOKEN']}` } },
    ],
    durationSeconds,
  ) as [Measured, Measured, Measured, Measured, Measured];
  printTable([bare, publicQuery, withToken, withKey, peerMe]);
  printRatio('modelgate / bare yoga', publicQuery, bare);
  verdicts.push(['token me / public __typename >= 0.85', printRatio('token me / public __typename', withToken, publicQuery, 0.85)]);
  verdicts.push(['token me / peer >= 1.0', printRatio('modelgate token me / Apollo+shield me', withToken, peerMe, 1.0)]);
  verdicts.push(['key me / public __typename >= 0.85', printRatio('key me / public __typename', withKey, publicQuery, 0.85)]);

  console.log('\n# issue 4: a 1 000-item list; directives are checked once per document, not per item\n');
  const list = await measure({
    name: '{ apiKeys { id name prefix last4 scopes createdAt } } (1 000 items)',
    url: modelgate.url,
    body: { query: '{ apiKeys { id name prefix last4 scopes createdAt } }' },
    headers: { authorization: `Bearer ${credentials.listToken}` },
    durationSeconds,
  });
  printTable([list]);
  console.log(`${'items served per second'.padEnd(60)} ${(list.requestsPerSecond * 1000).toFixed(0)}`);

  console.log('\n# logins must not starve everyone else: 50 clients logging in continuously, in 1 s rounds alternating with quiet ones\n');
  // The list scenario leaves up to 32 requests of tens of ms each in the server when autocannon
  // stops: let them finish, or the first quiet round (and its event-loop delay) would include them.
  await sleep(3000);
  const logins = await openLoginLoad({ url: modelgate.url, emails: credentials.loginEmails, password: credentials.password });
  try {
    const meRound = { url: modelgate.url, body: ME, headers: bearer, connections: 10, durationSeconds: 1 };
    const quietRounds: Measured[] = [];
    const busyRounds: Measured[] = [];
    const quietDelays: number[] = [];
    const busyDelays: number[] = [];
    for (let round = 0; round < Math.max(3, Math.round(durationSeconds)); round++) {
      await modelgate.ask('ELD');
      quietRounds.push(await measure({ name: 'quiet', ...meRound }, false));
      quietDelays.push(Number(await modelgate.ask('ELD')));
      await logins.start();
      // The first wave (50 logins arriving at once) is a burst; the rounds measure the steady load.
      await sleep(1000);
      await modelgate.ask('ELD');
      busyRounds.push(await measure({ name: 'busy', ...meRound }, false));
      busyDelays.push(Number(await modelgate.ask('ELD')));
      // Every login in flight answers before the next quiet round starts.
      await logins.stop();
    }
    const quiet = combineRounds('me p99, no login load', quietRounds);
    const busy = combineRounds('me p99, during login load', busyRounds);
    const loginResult = await logins.report();
    printTable([quiet, busy, loginResult]);
    console.log(`event-loop delay p99 (median of rounds): ${median(quietDelays)} ms without logins, ${median(busyDelays)} ms during them`);
    const p99Ratio = busy.p99Ms / Math.max(1, quiet.p99Ms);
    // Refused or failed logins are cheap: a load made of them would prove nothing.
    const valid = [quiet, busy, loginResult].every((m) => m.non2xx === 0 && m.errors === 0);
    const verdict = !valid ? 'INVALID: a side answered non-2xx or failed' : p99Ratio <= 2 ? 'met' : 'MISSED';
    console.log(`${'me p99 during logins / without'.padEnd(60)} ${p99Ratio.toFixed(2)}x  (target <= 2: ${verdict})`);
    verdicts.push(['me p99 under login load <= 2x', valid && p99Ratio <= 2]);
  } finally {
    logins.close();
  }
} finally {
  for (const server of servers) server.stop();
}

if (wants('limits')) {
  console.log('\n# limits (issue 5): every limit on vs off\n');
  const limitRows = await runLimitsBench({ duration: durationSeconds });
  for (const row of limitRows) if (row.mode !== 'off') verdicts.push([`limits ${row.mode} >= ${row.mode === 'memory' ? 0.85 : 0.7}`, row.ratio >= (row.mode === 'memory' ? 0.85 : 0.7)]);
}

if (wants('predict')) {
  console.log('\n# predict (issue 6): rows per second by batch size, over HTTP, next to a JSON floor\n');
  for (const row of await runPredictBench({ seconds: durationSeconds })) {
    if (row.batch === 10_000) verdicts.push([`predict batch 10 000 >= 50% of the JSON floor (${row.setup.split(':')[0]})`, row.ratio >= 0.5 && !row.non2xx && !row.errors]);
  }
}

console.log('\n# summary\n');
for (const [target, met] of verdicts) console.log(`${met ? 'met   ' : 'MISSED'} ${target}`);
