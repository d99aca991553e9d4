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

/** Reads one line from the process's stdin (the terminal echoes it in its normal, cooked mode). */
export function terminalAsk(io: CliIo, signal?: AbortSignal): AskLine {
  return async (question) => {
    const { createInterface } = await import('node:readline');
    io.stderr.write(question);
    const rl = createInterface({ input: process.stdin, terminal: false });
    try {
      return await new Promise<string>((resolve, reject) => {
        const onAbort = () => reject(new CrossbarError('INTERRUPTED', 'interrupted while waiting for input'));
        if (signal?.aborted) onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        rl.once('line', (line) => resolve(line.trim()));
        rl.once('close', () => reject(new CrossbarError('USAGE', 'no answer: the input ended')));
      });
    } finally {
      rl.close();
    }
  };
}
