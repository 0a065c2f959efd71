import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';

export const ROOT = path.resolve(import.meta.dirname, '..');

export interface BenchServer {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): void;
}

/** Starts a server script (TypeScript, via tsx) in its own process and waits for its port. */
export function startServer(script: string, env: Record<string, string> = {}): Promise<BenchServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script)], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'development', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += String(chunk);
      const match = /LISTENING (\d+)/.exec(output);
      if (match) {
        resolve({ url: `http://127.0.0.1:${match[1]}`, child, stop: () => child.kill('SIGTERM') });
      }
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}: ${output}`)));
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
export async function measure(scenario: Scenario): Promise<Measured> {
  const options = {
    url: `${scenario.url}/graphql`,
    method: scenario.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...scenario.headers },
    body: JSON.stringify(scenario.body),
    connections: scenario.connections ?? 32,
  } as const;
  await autocannon({ ...options, duration: 1 });
  const result = await autocannon({ ...options, duration: scenario.durationSeconds ?? 5 });
  return {
    name: scenario.name,
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
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
  const verdict = target === undefined ? '' : ratio >= target ? `  (target >= ${target}: met)` : `  (target >= ${target}: MISSED)`;
  console.log(`${label.padEnd(60)} ${ratio.toFixed(2)}x${verdict}`);
  return target === undefined || ratio >= target;
}
