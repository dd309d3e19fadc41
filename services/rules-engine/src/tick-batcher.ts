/**
 * Calls made within one turn of the event loop run as one: `run` gets every call's input, in call
 * order, and returns one output per input. A failure of `run` rejects every call of that turn.
 *
 * Why: kafkajs hands the partitions of one fetch to `eachBatch` at once. When events trickle in,
 * each partition brings a few events, and every per-call cost (a Redis script round trip, a produce
 * request of the idempotent producer, which sends one request at a time) would be paid per
 * partition. Gathering the calls of one turn pays it once.
 */
export function createTickBatcher<I, O>(run: (inputs: I[]) => Promise<O[]>): (input: I) => Promise<O> {
  let pending: { input: I; resolve: (o: O) => void; reject: (err: unknown) => void }[] | null = null;

  function flush(): void {
    const calls = pending ?? [];
    pending = null;
    // Through a promise even if `run` throws synchronously: an exception here would be uncaught.
    Promise.resolve()
      .then(() => run(calls.map((c) => c.input)))
      .then(
        (outputs) => {
          calls.forEach((c, i) => c.resolve(outputs[i] as O));
        },
        (err: unknown) => {
          for (const c of calls) c.reject(err);
        },
      );
  }

  return (input) =>
    new Promise<O>((resolve, reject) => {
      if (pending === null) {
        pending = [];
        // After the current microtasks and I/O callbacks: every eachBatch of a fetch has started.
        setImmediate(flush);
      }
      pending.push({ input, resolve, reject });
    });
}
