import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApiError } from '../api.js';
import type { AccountRole, WorkspaceAccount } from '../types.js';
import { expiryText, guardOf, type CredentialsAnswer } from '../vend.js';
import { ErrorLine } from './ErrorLine.js';
import type { VendPurpose } from './RoleActions.js';

/** What the dialog shows: the guard prompt of an admin or production role, or credentials just vended. */
export type DialogState =
  | { kind: 'guard'; account: WorkspaceAccount; role: AccountRole; purpose: VendPurpose; error?: ApiError }
  | { kind: 'credentials'; answer: CredentialsAnswer; line: string; copied: boolean };

/**
 * A modal <dialog> (focus kept inside, Escape closes): the member's TOTP code for an admin role and the confirmation
 * for a guarded production role, as the server asks for them (totp_code, confirm: true); or the `export …` line of
 * vended credentials with their expiry and a copy button. The command is hidden until asked for (screen sharing).
 */
export function VendDialog({
  state,
  busy,
  onSubmit,
  onCopy,
  onClose,
}: {
  state: DialogState | undefined;
  busy: boolean;
  onSubmit(answers: { totp_code?: string; confirm?: boolean }): void;
  onCopy(): void;
  onClose(): void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (state && !el.open) el.showModal();
    if (!state && el.open) el.close();
  }, [state]);
  return (
    <dialog ref={dialog} className="vend-dialog" aria-labelledby="vend-dialog-title" onClose={onClose}>
      {state?.kind === 'guard' ? (
        <GuardForm
          key={`${state.account.name}:${state.role.key}:${state.purpose}`}
          state={state}
          busy={busy}
          onSubmit={onSubmit}
          onClose={onClose}
        />
      ) : null}
      {state?.kind === 'credentials' ? <CredentialsView state={state} onCopy={onCopy} onClose={onClose} /> : null}
    </dialog>
  );
}

function GuardForm({
  state,
  busy,
  onSubmit,
  onClose,
}: {
  state: Extract<DialogState, { kind: 'guard' }>;
  busy: boolean;
  onSubmit(answers: { totp_code?: string; confirm?: boolean }): void;
  onClose(): void;
}) {
  const [code, setCode] = useState('');
  const [confirm, setConfirm] = useState(false);
  const guard = guardOf(state.role);
  const target = `${state.account.name}:${state.role.key}`;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({ ...(code.trim() ? { totp_code: code.trim() } : {}), ...(guard.confirm ? { confirm } : {}) });
  };
  return (
    <form onSubmit={submit} className="vend-form">
      <h2 id="vend-dialog-title">
        {state.purpose === 'console' ? 'Open the console of' : 'Credentials for'} {target}
      </h2>
      <p className="muted">
        {guard.confirm
          ? `${target} is a guarded ${state.account.stage || ''} role: confirm it, and prove your second factor.`
          : `${target} is an admin role: prove your second factor.`}
      </p>
      {guard.secondFactor ? (
        <label>
          Your TOTP code
          <input
            name="totp_code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6,8}"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            aria-describedby="totp-help"
          />
          <span id="totp-help" className="muted small">
            From your authenticator; leave empty if you proved it in the last 5 minutes.
          </span>
        </label>
      ) : null}
      {guard.confirm ? (
        <label className="check">
          <input type="checkbox" checked={confirm} onChange={(e) => setConfirm(e.target.checked)} />I mean it: use{' '}
          {target}
        </label>
      ) : null}
      <ErrorLine error={state.error} />
      <div className="dialog-buttons">
        <button type="submit" className="primary" disabled={busy}>
          {state.purpose === 'console' ? 'Open console' : 'Get credentials'}
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function CredentialsView({
  state,
  onCopy,
  onClose,
}: {
  state: Extract<DialogState, { kind: 'credentials' }>;
  onCopy(): void;
  onClose(): void;
}) {
  const { answer } = state;
  return (
    <div className="vend-form">
      <h2 id="vend-dialog-title">
        Credentials for {answer.account}:{answer.role}
      </h2>
      <p>
        Expire at <time dateTime={answer.expires_at}>{expiryText(answer.expires_at)}</time>.{' '}
        <span role="status">{state.copied ? 'Copied to the clipboard: paste it into bash or zsh.' : ''}</span>
      </p>
      <details>
        <summary>Show the command</summary>
        <label>
          export … for bash
          <textarea readOnly rows={5} value={state.line} onFocus={(e) => e.currentTarget.select()} />
        </label>
      </details>
      <div className="dialog-buttons">
        <button type="button" className="primary" onClick={onCopy}>
          Copy to clipboard
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
