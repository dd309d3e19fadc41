/** A one-line progress bar on a TTY; on a pipe or file, a line every 10% so logs stay short. */
export interface ProgressBar {
  update(done: number, detail?: string): void;
  done(summary: string): void;
}

const WIDTH = 30;

export function createProgressBar(label: string, total: number, out: NodeJS.WriteStream = process.stderr): ProgressBar {
  const started = performance.now();
  const tty = out.isTTY === true;
  let lastDecile = -1;
  const rate = (done: number): string => {
    const seconds = (performance.now() - started) / 1000;
    return seconds > 0 ? `${Math.round(done / seconds).toLocaleString('en-GB')}/s` : '';
  };
  return {
    update(done, detail = '') {
      const ratio = total > 0 ? Math.min(1, done / total) : 1;
      if (tty) {
        const filled = Math.round(ratio * WIDTH);
        const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
        out.write(`\r\x1b[K${label} ${bar} ${(ratio * 100).toFixed(0).padStart(3)}%  ${done.toLocaleString('en-GB')}/${total.toLocaleString('en-GB')}  ${rate(done)}  ${detail}`);
        return;
      }
      const decile = Math.floor(ratio * 10);
      if (decile > lastDecile) {
        lastDecile = decile;
        out.write(`${label} ${(ratio * 100).toFixed(0)}%  ${done.toLocaleString('en-GB')}/${total.toLocaleString('en-GB')}  ${detail}\n`);
      }
    },
    done(summary) {
      out.write(`${tty ? '\r\x1b[K' : ''}${label} ${summary}\n`);
    },
  };
}
