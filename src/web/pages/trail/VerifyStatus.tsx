import type { ApiError } from '../../api.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import type { TrailVerification } from './trail-types.js';

/** The hash chain's verification (GET /api/trail/verify): verified with how many entries, or the first break. */
export function VerifyStatus({
  result,
  error,
  loading,
  onVerify,
}: {
  result: TrailVerification | undefined;
  error: ApiError | undefined;
  loading: boolean;
  onVerify(): void;
}) {
  const broken = result?.first_broken;
  const chain = result?.chains[0];
  return (
    <section className={`card verify ${broken ? 'verify-broken' : result ? 'verify-ok' : ''}`} aria-label="Chain">
      <div className="verify-line">
        {error ? <ErrorLine error={error} /> : null}
        {!result && !error ? <span className="muted">Verifying the chain…</span> : null}
        {result && !broken ? (
          <p role="status" data-testid="chain-status">
            <strong>✓ Chain verified</strong>: {result.checked} entr{result.checked === 1 ? 'y' : 'ies'} recomputed,
            each linked to the one before{chain?.head ? `, up to the recorded head #${chain.head.seq}` : ''}.
          </p>
        ) : null}
        {broken ? (
          <p role="alert" data-testid="chain-status">
            <strong>✗ Chain broken at entry #{broken.seq}</strong> ({broken.reason}): {broken.message}{' '}
            <span className="muted">
              {result?.checked ?? 0} entr{result?.checked === 1 ? 'y' : 'ies'} before it verified.
            </span>
          </p>
        ) : null}
        <button type="button" onClick={onVerify} disabled={loading}>
          Verify again
        </button>
      </div>
      <p className="muted small">
        Each entry holds the hash of the one before it, so an edited, deleted or reordered row shows here. Someone who
        can write the database can still rewrite the chain from some entry on: keep an exported head elsewhere (
        <code>crossbar trail head</code>) and check against it.
      </p>
    </section>
  );
}
