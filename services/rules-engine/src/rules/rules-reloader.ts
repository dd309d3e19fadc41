import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '@incentive/platform';

/** Result of building a snapshot from the rules directory: the same checks as `rules lint`. */
export type BuildResult<T> = { ok: true; snapshot: T; version: string } | { ok: false; problems: { file: string; pointer: string; message: string }[] };

export interface RulesReloaderDeps<T> {
  dir: string;
  build: (dir: string) => Promise<BuildResult<T>>;
  watch: boolean;
  debounceMs: number;
  logger: Logger;
  onLoaded?: (version: string, previous: string | undefined) => void;
  onRefused?: (problems: number) => void;
}

/**
 * Holds the rules in force. `current()` is a plain field read, so a chunk takes one snapshot and
 * keeps it; a reload swaps the reference only after the new rules validated, so a broken edit never
 * replaces the last good rules.
 */
export function createRulesReloader<T>(deps: RulesReloaderDeps<T>) {
  const log = deps.logger.child({ component: 'rules-reloader', dir: deps.dir });
  let current: { snapshot: T; version: string } | undefined;
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let reloading: Promise<void> = Promise.resolve();
  let pendingAgain = false;

  async function load(): Promise<boolean> {
    let result: BuildResult<T>;
    try {
      result = await deps.build(deps.dir);
    } catch (err) {
      result = { ok: false, problems: [{ file: deps.dir, pointer: '', message: err instanceof Error ? err.message : String(err) }] };
    }
    if (!result.ok) {
      log.error({ problems: result.problems.slice(0, 50), count: result.problems.length, keptVersion: current?.version }, 'rules change refused');
      deps.onRefused?.(result.problems.length);
      return false;
    }
    const previous = current?.version;
    current = { snapshot: result.snapshot, version: result.version };
    if (previous !== result.version) log.info({ version: result.version, previous }, 'rules loaded');
    deps.onLoaded?.(result.version, previous);
    return true;
  }

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      // Serialise reloads; a change during a reload triggers one more afterwards.
      if (pendingAgain) return;
      pendingAgain = true;
      reloading = reloading.then(async () => {
        pendingAgain = false;
        await load();
      });
    }, deps.debounceMs);
  }

  return {
    current(): T {
      if (!current) throw new Error('rules not loaded: call start() first');
      return current.snapshot;
    },
    version(): string | undefined {
      return current?.version;
    },
    /** Reloads now (also used by tests and a SIGHUP handler); resolves true when the new rules are in force. */
    reload(): Promise<boolean> {
      const run = reloading.then(load);
      reloading = run.then(() => undefined);
      return run;
    },
    async start(): Promise<void> {
      if (current) return;
      if (!(await load())) throw new Error(`rules in ${deps.dir} are invalid; refusing to start`);
      if (deps.watch && !watcher) {
        watcher = watch(deps.dir, { recursive: true }, () => schedule());
        watcher.on('error', (err) => log.error({ err }, 'rules watcher failed'));
      }
    },
    async stop(): Promise<void> {
      watcher?.close();
      watcher = undefined;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await reloading;
    },
  };
}
