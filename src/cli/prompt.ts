import { openSync, writeSync } from 'node:fs';
import type { CliIo } from './context.js';
import { CrossbarError } from '../core/errors.js';

/**
 * One line of input from the person at the terminal: the MFA code, the account name of a confirmation. The
 * question goes to stderr so that stdout stays data (credential-process JSON, `env` lines).
 */
export type AskLine = (question: string) => Promise<string>;

/** Only a person at a terminal can answer: stdin and stderr both TTYs. */
export function canPrompt(io: CliIo): boolean {
  return io.stderr.isTTY === true && process.stdin.isTTY === true;
}

/** The next line of `input`, trimmed; Ctrl-C (the signal) or the end of the input rejects. */
async function readOneLine(
  input: NodeJS.ReadableStream,
  signal: AbortSignal | undefined,
  ended: string,
): Promise<string> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input, terminal: false });
  try {
    return await new Promise<string>((resolve, reject) => {
      const onAbort = () => reject(new CrossbarError('INTERRUPTED', 'interrupted while waiting for input'));
      if (signal?.aborted) onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      rl.once('line', (line) => resolve(line.trim()));
      rl.once('close', () => reject(new CrossbarError('USAGE', ended)));
    });
  } finally {
    rl.close();
  }
}

/** Reads one line from the process's stdin (the terminal echoes it in its normal, cooked mode). */
export function terminalAsk(io: CliIo, signal?: AbortSignal): AskLine {
  return async (question) => {
    io.stderr.write(question);
    return readOneLine(process.stdin, signal, 'no answer: the input ended');
  };
}

/**
 * A prompt on the controlling terminal itself (`/dev/tty`), for a process whose stdin and stderr are pipes but
 * which a person started from a terminal: `credential-process` under the AWS CLI or an SDK, which pipe both, as
 * other credential helpers do. Undefined when there is no controlling terminal (cron, CI, a service).
 */
export function controllingTerminalAsk(signal?: AbortSignal): AskLine | undefined {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    return undefined;
  }
  return async (question) => {
    const tty = await import('node:tty');
    writeSync(fd, question);
    // A tty stream reads without blocking a thread, and closing it leaves no read behind to hold the process.
    const input = new tty.ReadStream(fd);
    try {
      return await readOneLine(input, signal, 'no answer: the terminal input ended');
    } finally {
      input.destroy();
    }
  };
}

/** The person's terminal: stdin when it is one, else the controlling terminal; undefined when there is none. */
export function anyTerminalAsk(io: CliIo, signal?: AbortSignal): AskLine | undefined {
  if (canPrompt(io)) return terminalAsk(io, signal);
  // CROSSBAR_NO_TTY=1: never reach past the pipes (tests run from a developer's terminal set it).
  return io.env['CROSSBAR_NO_TTY'] === '1' ? undefined : controllingTerminalAsk(signal);
}

/**
 * A secret typed on the terminal without echo (a password): stdin in raw mode, one character at a time, Enter ends,
 * Backspace erases, Ctrl-C interrupts and Ctrl-D on an empty line ends the input. Undefined without a terminal on
 * stdin and stderr (no one to ask, and a pipe would echo nothing anyway).
 */
export function hiddenAsk(io: CliIo, signal?: AbortSignal): AskLine | undefined {
  if (!canPrompt(io)) return undefined;
  const stdin = process.stdin;
  return (question) =>
    new Promise<string>((resolve, reject) => {
      io.stderr.write(question);
      let typed = '';
      const finish = (result: () => void) => {
        stdin.off('data', onData);
        signal?.removeEventListener('abort', onAbort);
        stdin.setRawMode(false);
        stdin.pause();
        io.stderr.write('\n');
        result();
      };
      const onAbort = () =>
        finish(() => reject(new CrossbarError('INTERRUPTED', 'interrupted while waiting for input')));
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n') return finish(() => resolve(typed));
          if (char === '\u0003') return onAbort();
          if (char === '\u0004' && typed === '')
            return finish(() => reject(new CrossbarError('USAGE', 'no answer: the input ended')));
          if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
          else if (char >= ' ') typed += char;
        }
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      stdin.setRawMode(true);
      stdin.resume();
      stdin.on('data', onData);
    });
}
