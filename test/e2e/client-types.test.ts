import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { generate, loadContext } from '@graphql-codegen/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The generated client types are what the example client compiles against: in a copy of the
 * repository's schema, operations and client, a changed schema field regenerates into types that
 * `examples/client` no longer compiles with.
 */
const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

let copy: string;
beforeAll(() => {
  copy = mkdtempSync(path.join(tmpdir(), 'modelgate-client-types-'));
  for (const part of ['schema', 'codegen.yml', 'scripts/codegen-add-typename.js', 'examples/client']) cpSync(path.join(root, part), path.join(copy, part), { recursive: true });
  mkdirSync(path.join(copy, 'src/generated'), { recursive: true });
  symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
  const options = JSON.parse(readFileSync(path.join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: object };
  writeFileSync(path.join(copy, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  writeFileSync(path.join(copy, 'tsconfig.json'), JSON.stringify({ compilerOptions: options.compilerOptions, include: ['examples'] }));
});
afterAll(() => rmSync(copy, { recursive: true, force: true }));

/** `npm run codegen` in the copy (only the client outputs are written there). */
async function codegen(): Promise<void> {
  const context = await loadContext(path.join(copy, 'codegen.yml'));
  context.cwd = copy;
  const outputs = (await generate(context, false)) as Array<{ filename: string; content: string }>;
  for (const { filename, content } of outputs) {
    if (filename.startsWith('examples/')) writeFileSync(path.join(copy, filename), content);
  }
}

/** tsc over examples/ in the copy: its exit status and what it printed. */
async function typecheck(): Promise<{ ok: boolean; output: string }> {
  try {
    await run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', copy], { cwd: copy });
    return { ok: true, output: '' };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('generated client types', () => {
  it('compile with examples/client as generated, and break it when a schema field changes', async () => {
    await codegen();
    expect(await typecheck()).toEqual({ ok: true, output: '' });

    // AuthPayload.accessToken becomes nullable: the clients' `session.signIn(login)` no longer fits.
    const auth = path.join(copy, 'schema/auth.graphql');
    const sdl = readFileSync(auth, 'utf8');
    expect(sdl).toContain('accessToken: String!');
    writeFileSync(auth, sdl.replace('accessToken: String!', 'accessToken: String'));
    await codegen();
    expect(readFileSync(path.join(copy, 'examples/client/generated/graphql.ts'), 'utf8')).toContain('accessToken: string | null');
    const broken = await typecheck();
    expect(broken.ok).toBe(false);
    expect(broken.output).toMatch(/examples\/client\/(apollo|urql)\.ts\(\d+,\d+\): error TS2345/);
    expect(broken.output).toContain("Type 'null' is not assignable to type 'string'");
  });
});
