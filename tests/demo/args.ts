import { parseArgs } from 'node:util';

export interface DemoArgs {
  /** Weeks of the Online Retail year to replay, or the whole year. */
  weeks: number | 'full';
  /** Partitions of the run's topics. */
  partitions: number;
  /** Keep the run's topics, Redis keys and database afterwards (default: keep, so `incentive wallet` can be tried). */
  cleanup: boolean;
  help: boolean;
}

export const USAGE = `usage: scripts/demo [--weeks N | --full] [--partitions N] [--cleanup]

Replays a slice of the real Online Retail year (UCI, Dec 2010 - Dec 2011) through the product:
Kafka -> rules-engine -> fulfillment -> MongoDB, with the scheduler's clock moved day by day.

  --weeks N        replay the first N weeks (default 4)
  --full           replay the whole year
  --partitions N   partitions of this run's topics (default 6)
  --cleanup        delete this run's topics, Redis keys and database at the end
                   (by default they are kept so you can inspect them; each run has its own anyway)
`;

export class ArgsError extends Error {
  override name = 'ArgsError';
}

function positiveInt(flag: string, raw: string | undefined, def: number, max: number): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ArgsError(`${flag}: expected a whole number from 1 to ${max}, got "${raw}"`);
  return n;
}

export function parseDemoArgs(argv: string[]): DemoArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        weeks: { type: 'string' },
        full: { type: 'boolean', default: false },
        partitions: { type: 'string' },
        cleanup: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
    }));
  } catch (err) {
    throw new ArgsError((err as Error).message);
  }
  if (values.full && values.weeks !== undefined) throw new ArgsError('--full and --weeks exclude each other');
  return {
    weeks: values.full ? 'full' : positiveInt('--weeks', values.weeks, 4, 60),
    partitions: positiveInt('--partitions', values.partitions, 6, 256),
    cleanup: values.cleanup === true,
    help: values.help === true,
  };
}
