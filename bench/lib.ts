import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';

export const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * The Node flags `npm start` gives modelgate (package.json's start script), so that a bench
 * server runs the way the product does. The comparisons give them to the other side too, where
 * the side is a product (bare yoga, the Apollo peer); the JSON floor is measured both without
 * them, as issue 6 defines it, and with them.
 */
export const START_NODE_FLAGS: readonly string[] = (() => {
  const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  return scripts['start']!.split(/\s+/).filter((word) => word.startsWith('--'));
})();

export interface BenchServer {
  readonly url: string;
  readonly child: ChildProcess;
  /** What the server printed after each marker word (`TOKEN <jwt>` gives lines.TOKEN). */
  readonly lines: Readonly<Record<string, string>>;
  /** Sends a line to the server and resolves with the value of its answer line `<word> <value>`. */
  ask(word: string): Promise<string>;
  stop(): void;
}

/**
 * Starts a server script (TypeScript, via tsx) in its own process and waits until it printed
 * `LISTENING <port>` and every other marker named in `waitFor`.
 */
export function startServer(script: string, env: Record<string, string> = {}, waitFor: string[] = [], nodeFlags: readonly string[] = START_NODE_FLAGS): Promise<BenchServer> {
  return new Promise((resolve, reject) => {
    // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the servers.
    const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeFlags, ...nodeArgs, '--import', 'tsx', path.join(ROOT, script)], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'development', ...env },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines: Record<string, string> = {};
    const waiting = new Map<string, (value: string) => void>();
    let buffered = '';
    let started = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += String(chunk);
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        const [word, ...rest] = line.split(' ');
        if (!word) continue;
        lines[word] = rest.join(' ');
        waiting.get(word)?.(rest.join(' '));
        waiting.delete(word);
      }
      if (!started && lines['LISTENING'] && waitFor.every((w) => w in lines)) {
        started = true;
        resolve({
          url: `http://127.0.0.1:${lines['LISTENING']}`,
          child,
          lines,
          ask: (word) =>
            new Promise((answer) => {
              waiting.set(word, answer);
              child.stdin!.write(`${word}\n`);
            }),
          stop: () => child.kill('SIGTERM'),
        });
      }
    });
    child.on('exit', (code) => {
      if (!started) reject(new Error(`${script} exited with ${code}`));
    });
  });
}

export interface Scenario {
  name: string;
  url: string;
  /** The GraphQL body; GETs are not used so every scenario pays for JSON parsing alike. */
  body: unknown;
  headers?: Record<string, string>;
  connections?: number;
  durationSeconds?: number;
  method?: 'POST' | 'GET';
}

export interface Measured {
  name: string;
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/** Runs autocannon against one scenario after a short warm-up. */
export async function measure(scenario: Scenario, warmUp = true): Promise<Measured> {
  const options = {
    url: `${scenario.url}/graphql`,
    method: scenario.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...scenario.headers },
    body: JSON.stringify(scenario.body),
    connections: scenario.connections ?? 32,
  } as const;
  if (warmUp) await autocannon({ ...options, duration: 1 });
  const result = await autocannon({ ...options, duration: scenario.durationSeconds ?? 5 });
  return {
    name: scenario.name,
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/**
 * Measures several scenarios in alternating one-second rounds, so that load drifting on a shared
 * machine is charged to all of them alike instead of to whichever ran last, in an order rotated
 * every round. Requests/s is the mean over all rounds; p99 is the median of the rounds' p99s.
 */
export async function measureInterleaved(scenarios: Scenario[], durationSeconds: number): Promise<Measured[]> {
  for (const scenario of scenarios) await measure({ ...scenario, durationSeconds: 1 }, false); // warm-up
  const rounds = Math.max(2, Math.round(durationSeconds));
  const results = scenarios.map((): Measured[] => []);
  for (let round = 0; round < rounds; round++) {
    // Each round starts one scenario later: a scenario that always followed the same one would
    // always meet the garbage (and the idle time) that one left on a shared server.
    for (let step = 0; step < scenarios.length; step++) {
      const i = (round + step) % scenarios.length;
      results[i]!.push(await measure({ ...scenarios[i]!, durationSeconds: 1 }, false));
    }
  }
  return scenarios.map((scenario, i) => combineRounds(scenario.name, results[i]!));
}

/** One-second rounds of one scenario as one result: mean requests/s, the median of the rounds' p99s. */
export function combineRounds(name: string, rounds: readonly Measured[]): Measured {
  return {
    name,
    requestsPerSecond: rounds.reduce((sum, r) => sum + r.requestsPerSecond, 0) / rounds.length,
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
  };
}

export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function failed(measured: Measured): boolean {
  return measured.non2xx > 0 || measured.errors > 0;
}

export function printTable(rows: Measured[]): void {
  const lines = rows.map(
    (r) =>
      `${r.name.padEnd(48)} ${r.requestsPerSecond.toFixed(0).padStart(8)} req/s   p99 ${String(r.p99Ms).padStart(5)} ms` +
      (r.non2xx || r.errors ? `   (non-2xx ${r.non2xx}, errors ${r.errors})` : ''),
  );
  console.log(lines.join('\n'));
}

export function printRatio(label: string, numerator: Measured, denominator: Measured, target?: number): boolean {
  const ratio = numerator.requestsPerSecond / denominator.requestsPerSecond;
  // A side that answered anything but 2xx measured something else (a refusal is cheap): no verdict.
  if (failed(numerator) || failed(denominator)) {
    console.log(`${label.padEnd(60)} ${ratio.toFixed(2)}x  (INVALID: a side answered non-2xx or failed)`);
    return false;
  }
  const verdict = target === undefined ? '' : ratio >= target ? `  (target >= ${target}: met)` : `  (target >= ${target}: MISSED)`;
  console.log(`${label.padEnd(60)} ${ratio.toFixed(2)}x${verdict}`);
  return target === undefined || ratio >= target;
}
