import { useEffect, useState } from 'react';
import type { RunCounts, TargetResult } from './run-types.js';

export interface RunEndSummary {
  id: string;
  status: string;
  ok: number;
  failed: number;
  total: number | null;
  summary: string | null;
  finished_at: string | null;
}

export interface RunEvents {
  /** Every finished target announced so far, by seq, each once. */
  targets: TargetResult[];
  progress: (Omit<RunCounts, 'done'> & { done: number }) | undefined;
  summary: RunEndSummary | undefined;
  connection: 'connecting' | 'live' | 'reconnecting' | 'closed' | 'lost';
}

function parse<T>(event: MessageEvent): T | undefined {
  try {
    return JSON.parse(String(event.data)) as T;
  } catch {
    return undefined;
  }
}

/**
 * A run's Server-Sent Events (GET …/runs/:id/events): the stored targets first, then the live ones, then the
 * summary, after which the stream is closed here (an EventSource would otherwise reconnect to a finished run).
 * A dropped connection reconnects by itself with `Last-Event-ID`, which the server resumes from.
 */
export function useRunEvents(path: string | undefined): RunEvents {
  const [targets, setTargets] = useState<TargetResult[]>([]);
  const [progress, setProgress] = useState<RunEvents['progress']>(undefined);
  const [summary, setSummary] = useState<RunEndSummary | undefined>(undefined);
  const [connection, setConnection] = useState<RunEvents['connection']>('connecting');
  useEffect(() => {
    if (!path) return;
    setTargets([]);
    setProgress(undefined);
    setSummary(undefined);
    setConnection('connecting');
    const seen = new Set<number>();
    const source = new EventSource(path, { withCredentials: true });
    source.onopen = () => setConnection('live');
    source.addEventListener('target', (event) => {
      const target = parse<TargetResult>(event);
      if (!target || seen.has(target.seq)) return;
      seen.add(target.seq);
      setTargets((list) => [...list, target]);
    });
    source.addEventListener('progress', (event) => {
      const value = parse<RunEvents['progress']>(event);
      if (value) setProgress(value);
    });
    source.addEventListener('summary', (event) => {
      const value = parse<RunEndSummary>(event);
      if (value) setSummary(value);
      source.close();
      setConnection('closed');
    });
    source.onerror = () => {
      setConnection(source.readyState === EventSource.CLOSED ? 'lost' : 'reconnecting');
    };
    return () => source.close();
  }, [path]);
  return { targets, progress, summary, connection };
}
