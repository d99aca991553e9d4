import { useCallback, useEffect, useState } from 'react';
import { ApiError, get } from './api.js';

/** A GET that a page shows: its data, its error (as the server said it), and a reload. */
export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): void;
}

export function useApi<T>(path: string | undefined): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(path !== undefined);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (path === undefined) return;
    let live = true;
    setLoading(true);
    get<T>(path).then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        setError(err instanceof ApiError ? err : new ApiError(0, 'ERROR', String(err)));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { data, error, loading, reload };
}
