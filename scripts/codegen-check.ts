import { staleGeneratedFiles } from './stale-generated.js';

// `npm run codegen:check`: exits 1 when a generated file is stale, without rewriting anything.
const stale = await staleGeneratedFiles();
if (stale.length > 0) {
  console.error(`stale generated files (run \`npm run codegen\` and commit): ${stale.join(', ')}`);
  process.exit(1);
}
console.log('generated files are up to date');
