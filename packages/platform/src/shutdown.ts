import type { Logger } from 'pino';

type StopFn = () => Promise<void> | void;

export interface ShutdownOptions {
  logger: Pick<Logger, 'info' | 'error' | 'warn'>;
  /** The whole shutdown, all handlers together, must end within this. */
  timeoutMs: number;
  /** Injected for tests; the default ends the process. */
  exit?: (code: number) => void;
  /** Injected for tests; the default is the real process. */
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
}

export interface Shutdown {
  /** Register in start order; handlers run in reverse. */
  register(name: string, stop: StopFn): void;
  installSignalHandlers(): void;
  /** Runs every handler once, however often it is called; resolves with the exit code. */
  shutdown(reason: string, exitCode?: number): Promise<number>;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

export function createShutdown(options: ShutdownOptions): Shutdown {
  const handlers: { name: string; stop: StopFn }[] = [];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? process;
  let running: Promise<number> | undefined;

  async function runHandlers(reason: string): Promise<boolean> {
    let clean = true;
    for (const { name, stop } of [...handlers].reverse()) {
      try {
        await stop();
        options.logger.info({ component: name }, 'component stopped');
      } catch (err) {
        clean = false;
        options.logger.error({ component: name, err, reason }, 'component failed to stop');
      }
    }
    return clean;
  }

  function shutdown(reason: string, exitCode = 0): Promise<number> {
    running ??= (async () => {
      options.logger.info({ reason }, 'shutdown started');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
        timer.unref();
      });
      const outcome = await Promise.race([runHandlers(reason), timedOut]);
      clearTimeout(timer);
      let code = exitCode;
      if (outcome === 'timeout') {
        options.logger.error({ timeoutMs: options.timeoutMs }, 'shutdown timed out');
        code = code === 0 ? 1 : code;
      } else if (!outcome && code === 0) {
        code = 1;
      }
      options.logger.info({ exitCode: code }, 'shutdown finished');
      exit(code);
      return code;
    })();
    return running;
  }

  return {
    register(name, stop) {
      handlers.push({ name, stop });
    },
    installSignalHandlers() {
      for (const [signal, num] of Object.entries(SIGNAL_NUMBERS)) {
        signals.on(signal, () => {
          void shutdown(signal, 128 + num);
        });
      }
    },
    shutdown,
  };
}
