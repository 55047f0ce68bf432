import type { DocumentStatus } from '../client/docket-client.js';

const RENDER_EVERY_MS = 100;

/**
 * A one-line progress bar on a terminal (stderr), redrawn in place:
 * `[██████░░░░░░] 12/40  10 completed · 1 review · 0 paused · 1 failed  0:12`.
 */
export class ProgressBar {
  readonly #stream: NodeJS.WriteStream;
  readonly #total: number;
  readonly #started = Date.now();
  #label = '';
  #counts: Partial<Record<DocumentStatus, number>> = {};
  #lastRender = 0;
  #timer: NodeJS.Timeout;

  constructor(stream: NodeJS.WriteStream, total: number) {
    this.#stream = stream;
    this.#total = total;
    // Redraw every second even without news, so the clock keeps moving.
    this.#timer = setInterval(() => this.#render(), 1000);
    this.#timer.unref();
  }

  /** While submitting: `done` of the total accepted so far. */
  submitting(done: number): void {
    this.#label = 'submitting';
    this.#counts = { classifying: done };
    this.#throttledRender();
  }

  /** While waiting: documents per status. */
  update(counts: Partial<Record<DocumentStatus, number>>): void {
    this.#label = '';
    this.#counts = counts;
    this.#throttledRender();
  }

  /** Clears the line so that the summary starts clean. */
  stop(): void {
    clearInterval(this.#timer);
    this.#stream.write('\r\x1b[2K');
  }

  #throttledRender(): void {
    if (Date.now() - this.#lastRender >= RENDER_EVERY_MS) this.#render();
  }

  #render(): void {
    this.#lastRender = Date.now();
    const c = this.#counts;
    const settled = this.#label
      ? (c.classifying ?? 0)
      : (c.completed ?? 0) + (c.failed ?? 0) + (c.pending_review ?? 0) + (c.paused ?? 0);
    const elapsed = Math.round((Date.now() - this.#started) / 1000);
    const clock = `${Math.floor(elapsed / 60)}:${String(elapsed % 60).padStart(2, '0')}`;
    const detail = this.#label
      ? `${this.#label}`
      : `${c.completed ?? 0} completed · ${c.pending_review ?? 0} review · ${c.paused ?? 0} paused · ${c.failed ?? 0} failed`;
    const text = ` ${settled}/${this.#total}  ${detail}  ${clock}`;
    const columns = this.#stream.columns || 80;
    const width = Math.max(10, Math.min(30, columns - text.length - 3));
    const filled = this.#total === 0 ? width : Math.round((settled / this.#total) * width);
    const line = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]${text}`;
    this.#stream.write(`\r\x1b[2K${line.slice(0, columns - 1)}`);
  }
}

/** A progress bar on `stderr` when it is a terminal, there is more than one document, and the output is not JSON. */
export function progressBarFor(
  stderr: NodeJS.WriteStream,
  total: number,
  json: boolean | undefined,
): ProgressBar | undefined {
  return stderr.isTTY && total > 1 && !json ? new ProgressBar(stderr, total) : undefined;
}
