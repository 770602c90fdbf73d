/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (logs and CI
 * output stay clean), redrawn at most ten times a second.
 */
export interface ProgressBar {
  update(done: number, total?: number): void;
  done(): void;
}

/** A count as people write it: whole numbers as they are, fractions to one decimal. */
const count = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

export function createProgressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  const enabled = stream.isTTY === true;
  let last = 0;
  let current = 0;
  let size = total;
  const started = Date.now();
  const draw = (): void => {
    const ratio = size > 0 ? Math.min(1, current / size) : 0;
    const width = 30;
    const filled = Math.round(ratio * width);
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(current / seconds) : 0;
    stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(ratio * 100).toFixed(1)}% ${count(current)}/${count(size)} ${rate}/s `);
  };
  return {
    update(done, newTotal) {
      current = done;
      if (newTotal !== undefined) size = newTotal;
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      draw();
    },
    done() {
      if (!enabled) return;
      current = size;
      draw();
      stream.write('\n');
    },
  };
}
