// `npm run build:demo-model`: trains the Iris demo model and writes models/iris.onnx and
// models/iris.json. Deterministic: run it twice, get the same bytes (a test checks).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildDemoModel } from '../src/modules/models/demo-model.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { onnx, metadata } = buildDemoModel(readFileSync(`${root}/datasets/iris.csv`, 'utf8'));
writeFileSync(`${root}/models/iris.onnx`, onnx);
writeFileSync(`${root}/models/iris.json`, `${JSON.stringify(metadata, null, 2)}\n`);
process.stdout.write(`models/iris.onnx: ${onnx.byteLength} bytes, training accuracy ${(metadata.trainingAccuracy * 100).toFixed(1)}%\n`);
