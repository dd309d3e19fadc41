// Writes schema/*.json (JSON Schema 2020-12 per event, reward, notification) and schema/asyncapi.json
// from the zod schemas. Run: pnpm --filter @incentive/events gen
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildContractFiles } from '../src/contract-docs.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema');
mkdirSync(dir, { recursive: true });
const files = buildContractFiles();
for (const name of readdirSync(dir)) if (name.endsWith('.json') && !(name in files)) rmSync(join(dir, name));
for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
process.stdout.write(`wrote ${Object.keys(files).length} files to ${dir}\n`);
