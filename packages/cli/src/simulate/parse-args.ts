import { parseArgs } from 'node:util';
import type { EngineKind } from '@incentive/rules';

export interface SimulateArgs {
  rulesDir: string;
  /** A path, or '-' for stdin. A path ending in .gz is gunzipped. */
  events: string;
  clock: 'daily' | null;
  /** null = no explain output; '-' = stderr; else a file path. */
  explain: string | null;
  engine: EngineKind;
  /** Progress on stderr (default: when stderr is a TTY). */
  progress: boolean | null;
}

export const SIMULATE_USAGE = `usage: incentive simulate --rules DIR --events FILE|- [--clock daily] [--explain] [--explain-to FILE] [--engine compiled|reference] [--no-progress]

  --rules DIR         rules directory (segments.json, tiers.json, schedule.json, incentives/)
  --events FILE|-     events JSONL, one event per line ('-' = stdin; *.gz is decompressed)
  --clock daily       raise birthday/inactivity clock events as event time crosses each local midnight
                      (schedule.json timezone)
  --explain           per event: every rule its type triggers, with the outcome and the failing
                      conditions (values seen); written to stderr
  --explain-to FILE   the same, written to FILE instead of stderr (implies --explain)
  --engine KIND       compiled (default) or reference (json-rules-engine itself; slow, for comparison)
  --no-progress       no progress line even on a TTY

Rewards go to stdout as JSONL in processing order; the summary goes to stderr. Invalid lines are
reported on stderr and skipped. Exit 0 when the run completes, 1 when the rules do not load, 2 on bad usage.
`;

export type ParsedArgs = { ok: true; args: SimulateArgs } | { ok: false; message: string; help?: boolean };

export function parseSimulateArgs(argv: string[]): ParsedArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        rules: { type: 'string' },
        events: { type: 'string' },
        clock: { type: 'string' },
        explain: { type: 'boolean' },
        'explain-to': { type: 'string' },
        engine: { type: 'string' },
        progress: { type: 'boolean' },
        'no-progress': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
  if (values.help) return { ok: false, message: '', help: true };
  if (typeof values.rules !== 'string' || values.rules === '') return { ok: false, message: '--rules DIR is required' };
  if (typeof values.events !== 'string' || values.events === '') return { ok: false, message: '--events FILE|- is required' };
  const clock = values.clock;
  if (clock !== undefined && clock !== 'daily') return { ok: false, message: `--clock: only "daily" is supported, got ${JSON.stringify(clock)}` };
  const engine = values.engine ?? 'compiled';
  if (engine !== 'compiled' && engine !== 'reference') {
    return { ok: false, message: `--engine: expected compiled or reference, got ${JSON.stringify(engine)}` };
  }
  const explainTo = values['explain-to'];
  return {
    ok: true,
    args: {
      rulesDir: values.rules,
      events: values.events,
      clock: clock === 'daily' ? 'daily' : null,
      explain: typeof explainTo === 'string' ? explainTo : values.explain ? '-' : null,
      engine,
      progress: values['no-progress'] ? false : values.progress ? true : null,
    },
  };
}
