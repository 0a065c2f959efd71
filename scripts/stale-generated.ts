import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generate, loadContext } from '@graphql-codegen/cli';

/** The generated files whose committed text differs from what codegen.yml produces now. */
export async function staleGeneratedFiles(root = process.cwd()): Promise<string[]> {
  const context = await loadContext(path.join(root, 'codegen.yml'));
  context.cwd = root;
  const outputs = (await generate(context, false)) as Array<{ filename: string; content: string }>;
  const stale: string[] = [];
  for (const { filename, content } of outputs) {
    const file = path.resolve(root, filename);
    let committed = '';
    try {
      committed = readFileSync(file, 'utf8');
    } catch {
      // A missing file is as stale as a different one.
    }
    if (committed !== content) stale.push(path.relative(root, file));
  }
  return stale;
}
