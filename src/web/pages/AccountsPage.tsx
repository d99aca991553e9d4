import { useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError } from '../api.js';
import { AccountGrid } from '../components/AccountGrid.js';
import { ErrorLine } from '../components/ErrorLine.js';
import type { VendPurpose } from '../components/RoleActions.js';
import { VendDialog, type DialogState } from '../components/VendDialog.js';
import type { AccountRole, WorkspaceAccount } from '../types.js';
import { expiryText, exportLine, GUARD_CODES, guardOf, openConsole, vendCredentials } from '../vend.js';
import { atLeast, useWorkspace } from '../workspace.js';
import './accounts.css';

/** The words of the filter box, each matched (case-insensitive) in name, id, alias, stage, OU or a tag `k=v`. */
export function filterAccounts(accounts: WorkspaceAccount[], filter: string): WorkspaceAccount[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return accounts;
  return accounts.filter((a) => {
    const text = [
      a.name,
      a.id,
      a.alias ?? '',
      a.stage,
      a.ou ?? '',
      ...Object.entries(a.tags).map(([k, v]) => `${k}=${v}`),
    ]
      .join(' ')
      .toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

const asApiError = (err: unknown): ApiError => (err instanceof ApiError ? err : new ApiError(0, 'ERROR', String(err)));

/**
 * Accounts (issue 11 item 3): the workspace's accounts with stage colours, OU and tags, and for each role the member
 * may use: "Open console" (a federated sign-in through the server, in a new tab), the switch-role link and
 * "Copy credentials". Admin roles ask for the member's TOTP, guarded production roles for the confirmation; the
 * server decides, and its refusals are shown as it words them. `?account=NAME` scrolls to and highlights one.
 */
export function AccountsPage() {
  const { name: workspace, detail } = useWorkspace();
  const [params] = useSearchParams();
  const highlight = params.get('account') ?? undefined;
  const [filter, setFilter] = useState('');
  const [dialog, setDialog] = useState<DialogState | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [note, setNote] = useState('');

  const accounts = useMemo(() => detail.data?.accounts ?? [], [detail.data]);
  const shown = useMemo(() => {
    const matches = filterAccounts(accounts, filter);
    // An account asked for by name (the command box) stays visible whatever the filter says.
    const wanted = highlight ? accounts.find((a) => a.name === highlight) : undefined;
    return wanted && !matches.includes(wanted) ? [wanted, ...matches] : matches;
  }, [accounts, filter, highlight]);
  const mayVend = atLeast(detail.data?.role, 'operator');
  const endpoint = detail.data?.endpoint;

  const vend = useCallback(
    async (
      account: WorkspaceAccount,
      role: AccountRole,
      purpose: VendPurpose,
      answers: { totp_code?: string; confirm?: boolean } = {},
    ) => {
      const request = { account: account.name, role: role.key, purpose, ...answers };
      setBusy(true);
      setError(undefined);
      setNote('');
      try {
        if (purpose === 'console') {
          const answer = await openConsole(workspace, request);
          setDialog(undefined);
          setNote(`Opened the console of ${answer.account} as ${answer.role} in a new tab.`);
        } else {
          const answer = await vendCredentials(workspace, request);
          const line = exportLine(answer, endpoint);
          const copied = await copy(line);
          setDialog({ kind: 'credentials', answer, line, copied });
          setNote(`Credentials for ${answer.account}:${answer.role}, expire at ${expiryText(answer.expires_at)}.`);
        }
      } catch (err) {
        const refusal = asApiError(err);
        const guarded = guardOf(role);
        if (GUARD_CODES.has(refusal.code) || guarded.secondFactor || guarded.confirm)
          setDialog({ kind: 'guard', account, role, purpose, error: refusal });
        else {
          setDialog(undefined);
          setError(refusal);
        }
      } finally {
        setBusy(false);
      }
    },
    [workspace, endpoint],
  );

  const start = useCallback(
    (account: WorkspaceAccount, role: AccountRole, purpose: VendPurpose) => {
      const guard = guardOf(role);
      if (guard.secondFactor || guard.confirm) setDialog({ kind: 'guard', account, role, purpose });
      else void vend(account, role, purpose);
    },
    [vend],
  );

  if (detail.loading && !detail.data) return <p className="loading">Loading the accounts…</p>;
  return (
    <section className="accounts-page" aria-labelledby="accounts-title">
      <div className="accounts-toolbar">
        <h2 id="accounts-title">Accounts</h2>
        <label className="accounts-filter">
          Filter
          <input
            type="search"
            value={filter}
            placeholder="name, id, stage, OU, tag=value"
            onChange={(e) => setFilter(e.target.value)}
          />
        </label>
        <span className="muted" aria-live="polite" data-testid="account-count">
          {shown.length === accounts.length ? `${accounts.length} accounts` : `${shown.length} of ${accounts.length}`}
        </span>
      </div>
      {!mayVend ? (
        <p className="muted small">You are a viewer here: you see the accounts, not their credentials.</p>
      ) : null}
      <ErrorLine error={error} />
      {note ? (
        <p role="status" className="note">
          {note}
        </p>
      ) : null}
      <AccountGrid accounts={shown} total={accounts.length} mayVend={mayVend} highlight={highlight} onVend={start} />
      <VendDialog
        state={dialog}
        busy={busy}
        onSubmit={(answers) => {
          if (dialog?.kind === 'guard') void vend(dialog.account, dialog.role, dialog.purpose, answers);
        }}
        onCopy={() => {
          if (dialog?.kind !== 'credentials') return;
          void copy(dialog.line).then((copied) => setDialog({ ...dialog, copied }));
        }}
        onClose={() => setDialog(undefined)}
      />
    </section>
  );
}

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
