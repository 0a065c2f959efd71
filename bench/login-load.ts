// Continuous sign-ins for the starvation scenario of issue 3: one client per user, each logging in
// again as soon as its last login answered. One account per client, like real traffic: a single
// account hammered by 50 parallel logins meets the brute-force lock instead (as it should).
// The clients run in their own process: sharing the event loop of the autocannon that measures
// the `me` latency would add their JSON work to that latency.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Measured } from './lib.js';

const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';

export interface LoginLoad {
  url: string;
  emails: readonly string[];
  password: string;
  durationSeconds: number;
}

/** Runs the load in a child process and returns what it measured. */
export async function runLoginLoad(load: LoginLoad): Promise<Measured> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), JSON.stringify(load)], (error, stdout) => {
      if (error) reject(error);
      else resolve(JSON.parse(stdout) as Measured);
    });
  });
}

async function loginLoadHere(load: LoginLoad): Promise<Measured> {
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + load.durationSeconds * 1000;
  await Promise.all(
    load.emails.map(async (email) => {
      const body = JSON.stringify({ query: LOGIN, variables: { e: email, p: load.password } });
      while (performance.now() < deadline) {
        const sent = performance.now();
        try {
          const response = await fetch(`${load.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          await response.arrayBuffer();
          if (response.status < 200 || response.status > 299) non2xx++;
          latencies.push(performance.now() - sent);
        } catch {
          errors++;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    name: `login (${load.emails.length} clients, one account each)`,
    requestsPerSecond: latencies.length / seconds,
    p99Ms: Math.round(latencies[Math.floor(latencies.length * 0.99)] ?? 0),
    non2xx,
    errors,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(await loginLoadHere(JSON.parse(process.argv[2]!) as LoginLoad)));
}
