#!/usr/bin/env node
// Entry point of `pnpm incentive ...`. Each command lives in its own module under commands/ and is
// loaded lazily so that `rules lint` does not pay for mongoose or the CSV importer.
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});
