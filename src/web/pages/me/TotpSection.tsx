import { useState, type FormEvent } from 'react';
import { del, post, type ApiError } from '../../api.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { useSession } from '../../session.js';
import { asApiError } from './errors.js';

interface Enrolment {
  secret: string;
  otpauth_url: string;
  issuer?: string;
}

/**
 * The member's own TOTP (issue 11 item 1): enrol with a QR code (and the secret as text, for an authenticator
 * without a camera) confirmed by a code; remove it with a fresh second factor (the server asks for one when the
 * last proof is older than 5 minutes, so a stolen session cannot swap the device).
 */
export function TotpSection() {
  const { user, refresh } = useSession();
  const enrolled = user?.totp_enrolled === true;
  return (
    <section className="card me-section" aria-labelledby="totp-title">
      <h2 id="totp-title">Two-factor authentication (TOTP)</h2>
      <p data-testid="totp-status">
        Status:{' '}
        {enrolled ? (
          <strong className="status-ok">enrolled</strong>
        ) : (
          <strong className="status-off">not enrolled</strong>
        )}
      </p>
      {enrolled ? <RemoveTotp onDone={refresh} /> : <EnrolTotp onDone={refresh} />}
    </section>
  );
}

function EnrolTotp({ onDone }: { onDone: () => Promise<void> }) {
  const [enrolment, setEnrolment] = useState<Enrolment | undefined>();
  const [qr, setQr] = useState<string | undefined>();
  const [code, setCode] = useState('');
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);

  const start = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const started = await post<Enrolment>('/api/me/totp');
      setEnrolment(started);
      setCode('');
      // The QR code library is loaded only here: nobody else needs it on the first page.
      const { toDataURL } = await import('qrcode');
      setQr(await toDataURL(started.otpauth_url, { margin: 2, width: 220, errorCorrectionLevel: 'M' }));
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await post('/api/me/totp/confirm', { code: code.trim() });
      setEnrolment(undefined);
      await onDone();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  if (!enrolment)
    return (
      <div className="stack">
        <p>Admin roles ask for a code from your authenticator app. Set one up to use them.</p>
        <ErrorLine error={error} />
        <div>
          <button type="button" className="primary" onClick={() => void start()} disabled={busy}>
            Set up TOTP
          </button>
        </div>
      </div>
    );
  return (
    <div className="totp-enrol">
      <div className="totp-qr">
        {qr ? (
          <img src={qr} width={220} height={220} alt="QR code to scan with your authenticator app" />
        ) : (
          <p className="muted">Drawing the QR code…</p>
        )}
      </div>
      <div className="stack">
        <p>
          Scan the QR code with your authenticator app, or type this secret into it. It is shown only now: the server
          keeps it sealed.
        </p>
        <p>
          Secret:{' '}
          <code className="secret" data-testid="totp-secret">
            {enrolment.secret}
          </code>
        </p>
        <form className="stack" onSubmit={(e) => void confirm(e)}>
          <label>
            Code from your authenticator
            <input
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9 ]*"
              maxLength={8}
              value={code}
              onChange={(e) => setCode(e.target.value)}
              required
            />
          </label>
          <ErrorLine error={error} />
          <div className="row">
            <button type="submit" className="primary" disabled={busy}>
              Confirm
            </button>
            <button type="button" onClick={() => void start()} disabled={busy}>
              New secret
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}

function RemoveTotp({ onDone }: { onDone: () => Promise<void> }) {
  const [needsCode, setNeedsCode] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);

  const remove = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (needsCode) await post('/api/me/second-factor', { code: code.trim() });
      await del('/api/me/totp');
      setNeedsCode(false);
      setCode('');
      await onDone();
    } catch (err) {
      const refused = asApiError(err);
      if (refused.code === 'MFA_REQUIRED') setNeedsCode(true);
      setError(refused);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" onSubmit={(e) => void remove(e)}>
      <p>To move to another device, remove this one and set up again. Removing it needs a current code.</p>
      {needsCode ? (
        <label>
          Current code from your authenticator
          <input
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]*"
            maxLength={8}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            required
          />
        </label>
      ) : null}
      <ErrorLine error={error} />
      <div>
        <button type="submit" className="danger" disabled={busy}>
          Remove TOTP
        </button>
      </div>
    </form>
  );
}
