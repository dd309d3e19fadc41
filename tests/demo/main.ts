// The one-command demo (scripts/demo → scripts/demo.ts → here). Lives in the e2e package because it
// shares the harness with the end-to-end tests and needs their workspace dependencies.
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { IncentiveEvent } from '@incentive/events';
import { loadRuleset } from '@incentive/rules';
import { customerReport } from '../harness/customer-report.js';
import { ledgerReport, type LedgerReport } from '../harness/ledger-report.js';
import { createPipeline, type Pipeline } from '../harness/pipeline.js';
import { REPO_ROOT, RULES_DIR } from '../harness/repo.js';
import { importOnlineRetail, sliceByWeeks } from '../harness/retail-slice.js';
import { collectEventIds, type EventIdCollector } from '../harness/event-collector.js';
import { collectRewards, type RewardCollector } from '../harness/reward-collector.js';
import { createRunContext, newRunId } from '../harness/run-context.js';
import type { ServiceName } from '../harness/service-process.js';
import { ArgsError, parseDemoArgs, USAGE } from './args.js';
import { createProgressBar } from './progress-bar.js';
import { createRedemptionSimulator, type RedemptionSimulator } from './redemptions.js';
import { formatSummary } from './summary.js';

/** One purchase in this many, by a customer holding a valid coupon, redeems it (see redemptions.ts). */
const REDEEM_ONE_IN = 3;

const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function stackDir(env: NodeJS.ProcessEnv): string {
  return env.INCENTIVE_STACK_DIR ?? join(env.INCENTIVE_CACHE_DIR ?? join(homedir(), '.cache', 'incentive'), 'stack');
}

function available(name: ServiceName): boolean {
  return existsSync(join(REPO_ROOT, 'services', name, 'src', 'main.ts'));
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new ArgsError(`${name} is not set: run ./scripts/demo, which starts the native stack and exports it`);
  return value;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let args;
  try {
    args = parseDemoArgs(argv);
  } catch (err) {
    if (err instanceof ArgsError) {
      say(`demo: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const urls = { kafkaBrokers: required(env, 'KAFKA_BROKERS'), mongoUrl: required(env, 'MONGO_URL'), redisUrl: required(env, 'REDIS_URL') };

  const loaded = await loadRuleset(RULES_DIR);
  if (!loaded.ok) {
    for (const p of loaded.problems) say(`${p.file}:${p.pointer}: ${p.message}`);
    say('demo: the rules in rules/ do not load; fix them (pnpm incentive rules lint rules) and retry');
    return 1;
  }
  const timezone = loaded.ruleset.schedule.timezone;

  say('Importing the Online Retail year (UCI, 541,909 invoice lines) with `incentive import online-retail` ...');
  const year = await importOnlineRetail();
  const slice = sliceByWeeks(year.events, args.weeks, timezone);
  const label = args.weeks === 'full' ? 'the whole year' : `the first ${args.weeks} week${args.weeks === 1 ? '' : 's'}`;
  say(`  ${year.events.length.toLocaleString('en-GB')} events in the year; replaying ${label}: ${slice.events.length.toLocaleString('en-GB')} events, ${slice.customers.toLocaleString('en-GB')} customers, ${slice.days.length} days`);

  const runId = newRunId('demo');
  const ctx = createRunContext({ runId, urls, rulesDir: RULES_DIR });
  const logDir = join(stackDir(env), 'demo');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${runId}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const pipeline: Pipeline = createPipeline({ ctx, partitions: args.partitions, log, logLevel: env.LOG_LEVEL ?? 'info' });
  let collector: RewardCollector | undefined;
  let clockCollector: EventIdCollector | undefined;
  let redemptions: RedemptionSimulator | undefined;

  // Ctrl-C: stop what we started (children get SIGTERM, in reverse start order), then exit. A second
  // Ctrl-C does not wait any longer.
  let interrupted = 0;
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted++;
    if (interrupted > 1) {
      for (const s of pipeline.services) s.child.kill('SIGKILL');
      process.exit(130);
    }
    abort.abort(new Error(signal));
    say(`\n${signal}: stopping the services this demo started (Ctrl-C again to kill them) ...`);
    void (async () => {
      await collector?.stop().catch(() => undefined);
      await clockCollector?.stop().catch(() => undefined);
      await redemptions?.stop().catch(() => undefined);
      await pipeline.stop();
      if (args.cleanup) {
        await pipeline.destroy().catch((err: unknown) => say(`cleanup failed: ${(err as Error).message}`));
        say(`stopped. Run ${runId}'s topics, Redis keys and database deleted; logs in ${logFile}`);
      } else {
        say(`stopped. Run ${runId}'s data is kept (topics ${ctx.topicPrefix}*, database ${ctx.mongoDbName}); logs in ${logFile}`);
      }
      process.exit(signal === 'SIGINT' ? 130 : 143);
    })();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Whatever happens, no child outlives the demo (they run in their own process groups).
  process.on('exit', () => {
    for (const s of pipeline.services) if (s.exitedWith() === undefined) s.child.kill('SIGKILL');
  });

  try {
    say(`Run ${runId}: creating topics (${args.partitions} partitions) and starting the services (logs: ${logFile})`);
    await pipeline.setup();
    const started: string[] = [];
    for (const name of ['rules-engine', 'fulfillment', 'scheduler'] as const) {
      if (!available(name)) {
        say(`  ${name}: not in this checkout (services/${name}/src/main.ts missing), skipped`);
        continue;
      }
      const firstDay = slice.days[0]!;
      await pipeline.start(name, name === 'scheduler' ? { clockStart: new Date(firstDay.startMs).toISOString() } : {});
      started.push(name);
      say(`  ${name}: ready`);
    }
    const withClock = started.includes('scheduler');
    collector = await collectRewards(pipeline.kafka, ctx.topics.rewards, `${runId}.demo-rewards`);
    if (started.includes('fulfillment')) {
      redemptions = await createRedemptionSimulator(pipeline.kafka, ctx.topics.notifications, `${runId}.demo-redemptions`, REDEEM_ONE_IN);
    }
    clockCollector = await collectEventIds(pipeline.kafka, ctx.topics.events, `${runId}.demo-clock`, (id) => id.startsWith('clock:'));

    const t0 = performance.now();
    const bar = createProgressBar('Publishing', slice.events.length);
    await pipeline.replay(slice, {
      clock: withClock,
      signal: abort.signal,
      ...(redemptions ? { transform: (events: readonly IncentiveEvent[]) => redemptions!.decorate(events) } : {}),
      onProgress: (p) => bar.update(p.published, `day ${p.day}/${p.days} ${p.date}`),
    });
    bar.done(`${slice.events.length.toLocaleString('en-GB')} events published to ${ctx.topics.events} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    say('Waiting for the pipeline to drain (consumer lag 0, reward counts stable) ...');
    const rewardsInMongo = (): Promise<number> => pipeline.mongo.collection('rewards').countDocuments();
    await pipeline.waitQuiescent({
      counters: {
        rewardsOnTopic: async () => collector!.rewards.size,
        clockEvents: async () => clockCollector!.total(),
        ...(started.includes('fulfillment') ? { rewardsInMongo } : {}),
      },
    });
    const wallSeconds = (performance.now() - t0) / 1000;

    let ledger: LedgerReport | null = null;
    if (started.includes('fulfillment')) ledger = await ledgerReport(pipeline.mongo);
    const customers = await customerReport(pipeline.redis, ctx.redisKeyPrefix);
    const clockEvents = withClock ? clockCollector.byType() : null;
    process.stdout.write(
      formatSummary({
        slice: {
          from: slice.days[0]!.date,
          to: slice.days[slice.days.length - 1]!.date,
          days: slice.days.length,
          events: slice.events.length,
          customers: slice.customers,
          label,
        },
        wallSeconds,
        rewards: [...collector.rewards.values()],
        clockEvents,
        ledger,
        customers,
        runId,
        logFile,
        mongoUrl: urls.mongoUrl,
        couponsAttached: redemptions?.attached() ?? 0,
        redeemOneIn: REDEEM_ONE_IN,
        kept: !args.cleanup,
        services: started,
      }),
    );
    return 0;
  } catch (err) {
    // Interrupted: whatever failed on the way down (an aborted replay, a closed client) is expected;
    // the signal handler stops everything and exits.
    if (abort.signal.aborted) await new Promise(() => undefined);
    throw err;
  } finally {
    await collector?.stop().catch(() => undefined);
    await clockCollector?.stop().catch(() => undefined);
    await redemptions?.stop().catch(() => undefined);
    await pipeline.stop();
    if (args.cleanup) {
      await pipeline.destroy();
      say(`Run ${runId}: topics, Redis keys and database deleted.`);
    }
    log.end();
  }
}
