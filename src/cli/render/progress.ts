import type { FanoutProgress } from '../../core/fanout/index.js';
import type { Colors, CliStream } from '../context.js';
import { formatDuration } from './format.js';

/**
 * A one-line live progress bar on stderr for runs on a terminal: done, failed, in flight, ETA. Redrawn at most
 * 10 times a second whatever the pace of results (a fan-out can finish hundreds per second), and erased at the
 * end so that the table starts on a clean line. Off when stderr is not a terminal: a log needs no animation.
 */
export interface ProgressBar {
  update(progress: FanoutProgress): void;
  /** Erases the bar; call before printing anything else on the terminal. */
  stop(): void;
}

export interface ProgressBarOptions {
  colors: Colors;
  /** Minimum time between two redraws (default 100 ms: ≤ 10 redraws a second). */
  intervalMs?: number;
  width?: number;
  now?: () => number;
}

const NOOP: ProgressBar = { update: () => {}, stop: () => {} };
const ERASE_LINE = '\r\x1b[2K';

/** The text of the bar, without the erase sequence: exported for tests. */
export function renderProgressLine(p: FanoutProgress, colors: Colors, width = 24): string {
  const ratio = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const filled = Math.round(ratio * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  const failed = p.failed > 0 ? colors.red(`${p.failed} failed`) : '0 failed';
  const eta = p.etaMs === undefined ? 'ETA …' : `ETA ${p.etaMs < 1000 ? '<1s' : formatDuration(p.etaMs)}`;
  return `${bar} ${p.done}/${p.total} done · ${failed} · ${p.inFlight} in flight · ${eta}`;
}

export function createProgressBar(stream: CliStream, options: ProgressBarOptions): ProgressBar {
  if (stream.isTTY !== true) return NOOP;
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 100;
  let latest: FanoutProgress | undefined;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const draw = () => {
    timer = undefined;
    if (stopped || !latest) return;
    lastDraw = now();
    stream.write(`${ERASE_LINE}${renderProgressLine(latest, options.colors, options.width)}`);
  };
  return {
    update(progress) {
      if (stopped) return;
      latest = progress;
      const wait = lastDraw + interval - now();
      if (wait <= 0) draw();
      // A trailing redraw, so that the last state before a pause is on screen.
      else timer ??= setTimeout(draw, wait);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      if (lastDraw > Number.NEGATIVE_INFINITY) stream.write(ERASE_LINE);
    },
  };
}
