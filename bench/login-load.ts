// Continuous sign-ins for the starvation scenario of issue 3: one client per user, each logging in
// again as soon as its last login answered. One account per client, like real traffic: a single
// account hammered by 50 parallel logins meets the brute-force lock instead (as it should).
// The clients run in their own process: sharing the event loop of the autocannon that measures
// the `me` latency would add their JSON work to that latency. The process stays up between
// rounds; the bench switches the load on and off ("start", "stop") so that rounds with and
// without it can alternate, and asks for what it measured at the end ("report").
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Measured } from './lib.js';

const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';

export interface LoginLoad {
  url: string;
  emails: readonly string[];
  password: string;
}

export interface LoginLoadSwitch {
  /** Every client starts logging in; resolves once they all sent their first login. */
  start(): Promise<void>;
  /** No client sends another login; resolves when the last one in flight has answered. */
  stop(): Promise<void>;
  /** Logins per second while the load was on, their p99, and failures. */
  report(): Promise<Measured>;
  close(): void;
}

/** Starts the load's process, switched off. */
export async function openLoginLoad(load: LoginLoad): Promise<LoginLoadSwitch> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), JSON.stringify(load)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const ask = (command: string) =>
    new Promise<string>((resolve) => {
      waiting.push(resolve);
      child.stdin!.write(`${command}\n`);
    });
  await ask('ready');
  return {
    start: async () => void (await ask('start')),
    stop: async () => void (await ask('stop')),
    report: async () => JSON.parse(await ask('report')) as Measured,
    close: () => void child.kill(),
  };
}

function serve(load: LoginLoad, child: NodeJS.Process): void {
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let running = false;
  let onSeconds = 0;
  let startedAt = 0;
  let clients: Array<Promise<void>> = [];

  const client = async (email: string, sent: () => void) => {
    const body = JSON.stringify({ query: LOGIN, variables: { e: email, p: load.password } });
    let first = true;
    while (running) {
      const at = performance.now();
      const answer = fetch(`${load.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (first) sent();
      first = false;
      try {
        const response = await answer;
        await response.arrayBuffer();
        if (response.status < 200 || response.status > 299) non2xx++;
        latencies.push(performance.now() - at);
      } catch {
        errors++;
      }
    }
  };

  const reply = (line: string) => child.stdout.write(`${line}\n`);
  createInterface({ input: child.stdin }).on('line', (command) => {
    if (command === 'ready') reply('ready');
    if (command === 'start') {
      running = true;
      startedAt = performance.now();
      let unsent = load.emails.length;
      clients = load.emails.map((email) => client(email, () => --unsent === 0 && reply('started')));
    }
    if (command === 'stop') {
      running = false;
      // The time until the last answer counts as load time: those logins are in the count.
      void Promise.all(clients).then(() => {
        onSeconds += (performance.now() - startedAt) / 1000;
        reply('stopped');
      });
    }
    if (command === 'report') {
      const sorted = [...latencies].sort((a, b) => a - b);
      const measured: Measured = {
        name: `login (${load.emails.length} clients, one account each)`,
        requestsPerSecond: latencies.length / Math.max(onSeconds, 1e-9),
        p99Ms: Math.round(sorted[Math.floor(sorted.length * 0.99)] ?? 0),
        non2xx,
        errors,
      };
      reply(JSON.stringify(measured));
    }
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) serve(JSON.parse(process.argv[2]!) as LoginLoad, process);
