import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { ApiError, del, post, seg } from '../api.js';
import type { Shortcut } from '../types.js';
import { openConsole } from '../vend.js';
import { atLeast, useWorkspace } from '../workspace.js';
import { ErrorLine } from './ErrorLine.js';
import './shortcuts.css';

const asApiError = (err: unknown): ApiError => (err instanceof ApiError ? err : new ApiError(0, 'ERROR', String(err)));

/**
 * The Shortcuts panel (seed 000, top right): the workspace's shortcuts such as /switch-to-prod, each one click away
 * from its account, role and region's console (a sign-in through the server, in a new tab); a command box that takes
 * a shortcut or an account's name, id or alias (that account, highlighted on the Accounts page); admins add and
 * remove shortcuts. A viewer's shortcuts go to their account (the server would refuse the console).
 */
export function ShortcutsPanel() {
  const { name: workspace, detail } = useWorkspace();
  const navigate = useNavigate();
  const [command, setCommand] = useState('');
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [note, setNote] = useState('');
  const shortcuts = detail.data?.shortcuts ?? [];
  const accounts = detail.data?.accounts ?? [];
  const role = detail.data?.role;
  const mayVend = atLeast(role, 'operator');
  const isAdmin = atLeast(role, 'admin');

  const goToAccount = (account: string) =>
    void navigate(`/w/${seg(workspace)}/accounts?account=${encodeURIComponent(account)}`);

  const use = async (shortcut: Shortcut) => {
    setError(undefined);
    setNote('');
    if (!mayVend) {
      goToAccount(shortcut.account);
      return;
    }
    try {
      const answer = await openConsole(workspace, {
        account: shortcut.account,
        role: shortcut.role,
        purpose: 'console',
        ...(shortcut.region ? { region: shortcut.region } : {}),
      });
      setNote(`${shortcut.name}: the console of ${answer.account} as ${answer.role} opened in a new tab.`);
    } catch (err) {
      setError(asApiError(err));
    }
  };

  const run = (e: FormEvent) => {
    e.preventDefault();
    const typed = command.trim();
    if (!typed) return;
    const asShortcut = typed.startsWith('/') ? typed : `/${typed}`;
    const shortcut = shortcuts.find((s) => s.name.toLowerCase() === asShortcut.toLowerCase());
    const lower = typed.toLowerCase();
    const account =
      accounts.find((a) => a.name.toLowerCase() === lower || a.id === typed || a.alias?.toLowerCase() === lower) ??
      accounts.find((a) => a.name.toLowerCase().startsWith(lower));
    if (shortcut) void use(shortcut);
    else if (account) {
      setError(undefined);
      setNote('');
      goToAccount(account.name);
    } else {
      setError(
        new ApiError(0, 'UNKNOWN', `no shortcut or account ${typed} in ${workspace}`, 'type /, a shortcut, or a name'),
      );
      return;
    }
    setCommand('');
  };

  const lower = command.trim().toLowerCase();
  const suggestions = lower
    ? [
        ...shortcuts.map((s) => s.name).filter((n) => n.toLowerCase().includes(lower)),
        ...accounts.map((a) => a.name).filter((n) => n.toLowerCase().includes(lower)),
      ].slice(0, 20)
    : shortcuts.map((s) => s.name);

  return (
    <section className="shortcuts" aria-labelledby="shortcuts-title">
      <h2 id="shortcuts-title">Shortcuts</h2>
      <form className="shortcut-command" onSubmit={run}>
        <label>
          Command
          <input
            value={command}
            list="shortcut-suggestions"
            placeholder="/switch-to-prod or an account"
            autoComplete="off"
            onChange={(e) => setCommand(e.target.value)}
          />
        </label>
        <datalist id="shortcut-suggestions">
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <button type="submit">Go</button>
      </form>
      <ul>
        {shortcuts.map((s) => (
          <li key={s.name}>
            <button
              type="button"
              className="shortcut"
              title={`${s.account} as ${s.role}${s.region ? ` in ${s.region}` : ''}${mayVend ? '' : ' (goes to the account)'}`}
              onClick={() => void use(s)}
            >
              {s.name}
            </button>
            {isAdmin ? (
              <RemoveShortcut workspace={workspace} shortcut={s} onDone={detail.reload} onError={setError} />
            ) : null}
          </li>
        ))}
        {shortcuts.length === 0 ? <li className="muted">none yet</li> : null}
      </ul>
      {isAdmin ? <AddShortcut onDone={detail.reload} /> : null}
      <ErrorLine error={error} />
      {note ? (
        <p role="status" className="shortcut-note">
          {note}
        </p>
      ) : null}
    </section>
  );
}

function RemoveShortcut({
  workspace,
  shortcut,
  onDone,
  onError,
}: {
  workspace: string;
  shortcut: Shortcut;
  onDone(): void;
  onError(err: ApiError | undefined): void;
}) {
  return (
    <button
      type="button"
      className="shortcut-remove"
      aria-label={`Remove ${shortcut.name}`}
      title={`Remove ${shortcut.name}`}
      onClick={() => {
        onError(undefined);
        del(`/api/workspaces/${seg(workspace)}/shortcuts/${seg(shortcut.name.replace(/^\//, ''))}`).then(
          onDone,
          (err: unknown) => onError(asApiError(err)),
        );
      }}
    >
      ×
    </button>
  );
}

/** An admin's form: a name (/word), one of the workspace's accounts, a role the workspace lets members use there. */
function AddShortcut({ onDone }: { onDone(): void }) {
  const { name: workspace, detail } = useWorkspace();
  const accounts = detail.data?.accounts ?? [];
  const [name, setName] = useState('');
  const [account, setAccount] = useState('');
  const [role, setRole] = useState('');
  const [region, setRegion] = useState('');
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const chosen = accounts.find((a) => a.name === account) ?? accounts[0];
  const roles = chosen?.roles ?? [];
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await post(`/api/workspaces/${seg(workspace)}/shortcuts`, {
        name: name.startsWith('/') ? name : `/${name}`,
        account: chosen?.name ?? account,
        role: role || roles[0]?.key || '',
        ...(region ? { region } : {}),
      });
      setName('');
      onDone();
    } catch (err) {
      setError(asApiError(err));
    }
  };
  return (
    <details className="shortcut-add">
      <summary>Add a shortcut</summary>
      <form onSubmit={(e) => void submit(e)}>
        <label>
          Name
          <input value={name} required placeholder="/switch-to-prod" onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Account
          <select value={chosen?.name ?? ''} onChange={(e) => setAccount(e.target.value)}>
            {accounts.map((a) => (
              <option key={a.id} value={a.name}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Role
          <select value={role || roles[0]?.key || ''} onChange={(e) => setRole(e.target.value)}>
            {roles.map((r) => (
              <option key={r.key} value={r.key}>
                {r.key}
              </option>
            ))}
          </select>
        </label>
        <label>
          Region
          <input
            value={region}
            placeholder={chosen?.regions[0] ?? 'us-east-1'}
            onChange={(e) => setRegion(e.target.value)}
          />
        </label>
        <button type="submit">Add</button>
        <ErrorLine error={error} />
      </form>
    </details>
  );
}
