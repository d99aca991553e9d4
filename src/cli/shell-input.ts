import { createInterface } from 'node:readline';
import type { AskLine } from './prompt.js';

/**
 * Where `crossbar shell` reads its lines: a terminal (readline with history and line editing, closed while a
 * command runs so that the command owns the terminal and Ctrl-C), or a pipe (a script of lines, read one at a
 * time so each runs after the previous one finished).
 */
export interface LineSource {
  interactive: boolean;
  /** The next line, or undefined at the end of input (Ctrl-D, end of the pipe, or the stop signal). */
  next(prompt: string): Promise<string | undefined>;
  /** Asks a question on the terminal (confirmations); absent on a pipe. */
  ask?: AskLine;
  close(): void;
}

function untilAborted(signal: AbortSignal): Promise<undefined> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(undefined);
    else signal.addEventListener('abort', () => resolve(undefined), { once: true });
  });
}

export function pipeLines(input: NodeJS.ReadableStream, signal: AbortSignal): LineSource {
  const rl = createInterface({ input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  const lines = rl[Symbol.asyncIterator]();
  const stopped = untilAborted(signal);
  return {
    interactive: false,
    next: async () => {
      const next = await Promise.race([lines.next(), stopped]);
      return next === undefined || next.done ? undefined : next.value;
    },
    close: () => rl.close(),
  };
}

export function terminalLines(signal: AbortSignal): LineSource {
  const history: string[] = [];
  const question = (prompt: string, remember: boolean) =>
    new Promise<string | undefined>((resolve) => {
      const rl = createInterface({
        input: process.stdin,
        output: process.stderr,
        terminal: true,
        history: [...history],
        historySize: 1000,
        removeHistoryDuplicates: true,
      });
      let settled = false;
      const settle = (value: string | undefined) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        rl.close();
        resolve(value);
      };
      const onAbort = () => settle(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      // Ctrl-C at the prompt drops the line, as a shell does; Ctrl-D (close) ends the session.
      rl.on('SIGINT', () => {
        process.stderr.write('^C\n');
        settle('');
      });
      rl.on('close', () => settle(undefined));
      rl.question(prompt, (answer) => {
        if (remember && answer.trim() !== '') history.unshift(answer);
        settle(answer);
      });
    });
  return {
    interactive: true,
    next: (prompt) => question(prompt, true),
    ask: async (q) => (await question(q, false))?.trim() ?? '',
    close: () => {},
  };
}
