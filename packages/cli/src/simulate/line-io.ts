import { once } from 'node:events';

/** Splits a text stream into lines (LF or CRLF); the last line need not end with a newline. */
export async function* readLines(stream: AsyncIterable<string | Buffer>): AsyncGenerator<string> {
  let rest = '';
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of stream) {
    const text = rest + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield text.slice(start, end);
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.decode();
  if (rest.length > 0) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}

export interface LineWriter {
  /** Appends one line (a newline is added). */
  line(text: string): void;
  /** Writes what is buffered once it is large, waiting for the stream to drain. */
  maybeFlush(): Promise<void>;
  /** Writes everything buffered. */
  flush(): Promise<void>;
  /** Lines written so far. */
  readonly count: number;
}

/**
 * Buffers lines and writes them in 64 KiB chunks, honouring back-pressure. A closed pipe (EPIPE,
 * e.g. `| head`) stops the output quietly instead of failing the run.
 */
export function createLineWriter(stream: NodeJS.WritableStream, highWater = 64 * 1024): LineWriter {
  let parts: string[] = [];
  let size = 0;
  let count = 0;
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') closed = true;
    else throw err;
  });
  const flush = async (): Promise<void> => {
    if (parts.length === 0) return;
    const text = parts.join('');
    parts = [];
    size = 0;
    if (closed) return;
    if (!stream.write(text)) await Promise.race([once(stream, 'drain'), once(stream, 'close')]);
  };
  return {
    line(text) {
      parts.push(text, '\n');
      size += text.length + 1;
      count++;
    },
    async maybeFlush() {
      if (size >= highWater) await flush();
    },
    flush,
    get count() {
      return count;
    },
  };
}
