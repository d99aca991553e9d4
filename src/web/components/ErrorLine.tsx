import type { ApiError } from '../api.js';

/** A refusal or failure as the server worded it: one line, the hint under it. */
export function ErrorLine({ error }: { error: ApiError | Error | undefined }) {
  if (!error) return null;
  const hint = 'hint' in error ? error.hint : undefined;
  return (
    <div role="alert" className="error-line">
      <strong>{error.message}</strong>
      {hint ? <span className="hint"> — {hint}</span> : null}
    </div>
  );
}
