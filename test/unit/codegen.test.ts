import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { staleGeneratedFiles } from '../../scripts/stale-generated.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('generated resolver and client types', () => {
  it('match the SDL in schema/ and the operations in examples/client/', async () => {
    expect(await staleGeneratedFiles(root)).toEqual([]);
  });

  it('are reported stale when the SDL changes', async () => {
    const copy = mkdtempSync(path.join(tmpdir(), 'modelgate-stale-'));
    try {
      for (const part of ['schema', 'src/generated', 'codegen.yml', 'scripts/codegen-add-typename.js', 'examples/client/operations', 'examples/client/generated']) cpSync(path.join(root, part), path.join(copy, part), { recursive: true });
      // Codegen resolves its plugins from the working directory.
      symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
      const users = path.join(copy, 'schema/users.graphql');
      writeFileSync(users, readFileSync(users, 'utf8').replace('email: String!', 'email: String!\n  nickname: String'));
      expect(await staleGeneratedFiles(copy)).toEqual(['src/generated/resolvers-types.ts']);
      // A client operation asking for one more field: its types and the manifest are stale.
      const me = path.join(copy, 'examples/client/operations/me.graphql');
      writeFileSync(me, readFileSync(me, 'utf8').replace('email', 'email\n    createdAt'));
      expect((await staleGeneratedFiles(copy)).sort()).toEqual([
        'examples/client/generated/gql.ts',
        'examples/client/generated/graphql.ts',
        'examples/client/generated/persisted-documents.json',
        'src/generated/resolvers-types.ts',
      ]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
