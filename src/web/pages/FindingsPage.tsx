import { useEffect, useMemo, useState } from 'react';
import { seg } from '../api.js';
import { ErrorLine } from '../components/ErrorLine.js';
import { Field } from '../components/Field.js';
import { TableScroll } from '../components/TableScroll.js';
import {
  SEVERITIES,
  type Finding,
  type FindingsAnswer,
  type NotCovered,
  type Severity,
  type TrustEdgeView,
  type TrustUsageAnswer,
  type WhoCanAnswer,
} from '../findings/findings-types.js';
import { useApi } from '../use-api.js';
import { useWorkspace } from '../workspace.js';
import './cost-findings.css';

/**
 * The Findings page (issue 11 item 8): the audit's findings of the workspace's accounts by severity, each with its
 * evidence and fix; who can assume a chosen role; and CloudTrail's evidence of which trusts were used and which
 * were not. Everything comes from the server (…/findings, …/who-can, …/trust-usage), which reads only the
 * workspace's accounts, as the member.
 */
export function FindingsPage() {
  const { name } = useWorkspace();
  const findings = useApi<FindingsAnswer>(`/api/workspaces/${seg(name)}/findings`);
  return (
    <div className="findings-page">
      <h2>Findings</h2>
      <ErrorLine error={findings.error} />
      {findings.loading && !findings.data ? <p className="loading">Reading IAM in the workspace's accounts…</p> : null}
      {findings.data ? (
        <>
          <FindingsSection answer={findings.data} reload={findings.reload} />
          <WhoCanSection workspace={name} accounts={findings.data.accounts} />
        </>
      ) : null}
      <TrustUsageSection workspace={name} />
    </div>
  );
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={`severity severity-${severity}`}>{severity}</span>;
}

function FindingsSection({ answer, reload }: { answer: FindingsAnswer; reload(): void }) {
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [account, setAccount] = useState('');
  const [text, setText] = useState('');
  const counts = useMemo(
    () => Object.fromEntries(SEVERITIES.map((s) => [s, answer.findings.filter((f) => f.severity === s).length])),
    [answer],
  );
  const needle = text.trim().toLowerCase();
  const shown = answer.findings.filter(
    (f) =>
      (severity === '' || f.severity === severity) &&
      (account === '' || f.accountId === account) &&
      (needle === '' || `${f.title} ${f.resource} ${f.id} ${f.rule}`.toLowerCase().includes(needle)),
  );
  return (
    <section aria-labelledby="findings-title">
      <h3 id="findings-title">Audit findings</h3>
      <ul className="severity-counts" aria-label="Findings by severity">
        {SEVERITIES.map((s) => (
          <li key={s}>
            <SeverityBadge severity={s} /> {counts[s] ?? 0}
          </li>
        ))}
      </ul>
      <form className="findings-controls" onSubmit={(e) => e.preventDefault()}>
        <Field label="Severity">
          {(id) => (
            <select id={id} value={severity} onChange={(e) => setSeverity(e.target.value as Severity | '')}>
              <option value="">all</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Account">
          {(id) => (
            <select id={id} value={account} onChange={(e) => setAccount(e.target.value)}>
              <option value="">all</option>
              {answer.accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Search">
          {(id) => (
            <input
              id={id}
              type="search"
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder="rule, role…"
            />
          )}
        </Field>
        <button type="button" onClick={reload}>
          Read again
        </button>
      </form>
      <NotCoveredList items={answer.not_covered} />
      <TableScroll label="Findings table">
        <table className="findings-table">
          <caption>
            {shown.length} of {answer.findings.length} findings in {answer.accounts.length} accounts, read{' '}
            {new Date(answer.read_at).toLocaleTimeString()}
          </caption>
          <thead>
            <tr>
              <th scope="col">Severity</th>
              <th scope="col">Account</th>
              <th scope="col">Finding</th>
              <th scope="col">Fix</th>
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 ? (
              <tr>
                <td colSpan={4}>No finding {answer.findings.length > 0 ? 'matches the filters' : ''}.</td>
              </tr>
            ) : null}
            {shown.map((f) => (
              <FindingRow key={`${f.id}|${f.accountId}|${f.resource}`} finding={f} />
            ))}
          </tbody>
        </table>
      </TableScroll>
      {answer.exceptions.length > 0 ? (
        <details>
          <summary>{answer.exceptions.length} accepted exceptions</summary>
          <ul>
            {answer.exceptions.map((e) => (
              <li key={`${e.rule}|${e.resource}`}>
                <span className="break">{e.resource}</span>: {e.why}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

function FindingRow({ finding: f }: { finding: Finding }) {
  return (
    <tr data-severity={f.severity}>
      <td>
        <SeverityBadge severity={f.severity} />
      </td>
      <td>{f.accountName}</td>
      <td>
        <strong>{f.title}</strong>
        <div className="muted">
          {f.id} {f.rule} · <span className="break">{f.resource}</span>
        </div>
        <details>
          <summary>Evidence</summary>
          <pre>{pretty(f.evidence)}</pre>
        </details>
      </td>
      <td>{f.fix}</td>
    </tr>
  );
}

function pretty(evidence: string): string {
  try {
    return JSON.stringify(JSON.parse(evidence), null, 2);
  } catch {
    return evidence;
  }
}

function NotCoveredList({ items }: { items: NotCovered[] }) {
  if (items.length === 0) return null;
  return (
    <div role="note" className="card not-covered">
      <strong>Not covered ({items.length}):</strong>
      <ul>
        {items.map((n) => (
          <li key={`${n.accountId}|${n.region ?? ''}`}>
            {n.accountName}
            {n.region && n.region !== '*' ? ` ${n.region}` : ''}: {n.code} — {n.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function WhoCanSection({ workspace, accounts }: { workspace: string; accounts: FindingsAnswer['accounts'] }) {
  const [account, setAccount] = useState(accounts[0]?.name ?? '');
  const roles = accounts.find((a) => a.name === account)?.roles ?? [];
  const [role, setRole] = useState('');
  const [asked, setAsked] = useState<{ account: string; role: string } | undefined>();
  useEffect(() => {
    if (!roles.includes(role)) setRole(roles.includes('administrator') ? 'administrator' : (roles[0] ?? ''));
  }, [roles, role]);
  const answer = useApi<WhoCanAnswer>(
    asked
      ? `/api/workspaces/${seg(workspace)}/who-can?account=${seg(asked.account)}&role=${seg(asked.role)}`
      : undefined,
  );
  return (
    <section aria-labelledby="who-can-title">
      <h3 id="who-can-title">Who can assume a role</h3>
      <form
        className="findings-controls"
        onSubmit={(e) => {
          e.preventDefault();
          if (account && role) setAsked({ account, role });
        }}
      >
        <Field label="Account">
          {(id) => (
            <select id={id} value={account} onChange={(e) => setAccount(e.target.value)}>
              {accounts.map((a) => (
                <option key={a.id} value={a.name}>
                  {a.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Role">
          {(id) => (
            <select id={id} value={role} onChange={(e) => setRole(e.target.value)}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="primary" disabled={!account || !role}>
          Who can?
        </button>
      </form>
      <ErrorLine error={answer.error} />
      {answer.loading ? <p className="loading">Evaluating trust and identity policies…</p> : null}
      {answer.data && !answer.loading ? (
        <TableScroll label="Who-can table">
          <table className="who-can-table">
            <caption>
              Who can assume <span className="break">{answer.data.role_arn}</span> ({answer.data.entries.length}{' '}
              principals)
            </caption>
            <thead>
              <tr>
                <th scope="col">Can?</th>
                <th scope="col">Principal</th>
                <th scope="col">Kind</th>
                <th scope="col">Via</th>
                <th scope="col">Needs</th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody>
              {answer.data.entries.length === 0 ? (
                <tr>
                  <td colSpan={6}>Nobody in the audited accounts.</td>
                </tr>
              ) : null}
              {answer.data.entries.map((e) => (
                <tr key={`${e.principal}|${e.via.join(',')}`}>
                  <td className={e.can ? 'can-yes' : 'can-no'}>{e.can ? 'can' : 'cannot'}</td>
                  <td className="break">{e.principal}</td>
                  <td>{e.kind}</td>
                  <td>{e.via.join(', ') || '–'}</td>
                  <td>{e.needs.join(', ') || 'nothing'}</td>
                  <td>{e.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
    </section>
  );
}

const WINDOWS = ['1d', '7d', '30d', '90d'];

function TrustUsageSection({ workspace }: { workspace: string }) {
  const { detail } = useWorkspace();
  const [since, setSince] = useState('7d');
  const usage = useApi<TrustUsageAnswer>(`/api/workspaces/${seg(workspace)}/trust-usage?since=${seg(since)}`);
  const names = new Map((detail.data?.accounts ?? []).map((a) => [a.id, a.name]));
  const nameOf = (id: string) => names.get(id) ?? id;
  const data = usage.data;
  return (
    <section aria-labelledby="trust-usage-title">
      <h3 id="trust-usage-title">Trusts used and unused (CloudTrail)</h3>
      <form className="findings-controls" onSubmit={(e) => e.preventDefault()}>
        <Field label="Window">
          {(id) => (
            <select id={id} value={since} onChange={(e) => setSince(e.target.value)}>
              {WINDOWS.map((w) => (
                <option key={w} value={w}>
                  last {w}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="button" onClick={usage.reload} disabled={usage.loading}>
          Read again
        </button>
      </form>
      <ErrorLine error={usage.error} />
      {usage.loading ? <p className="loading">Reading CloudTrail…</p> : null}
      {data && !usage.loading ? (
        <>
          <p className="muted">
            {data.assumptions} role assumptions and console sign-ins from {data.window.start.slice(0, 16)} to{' '}
            {data.window.end.slice(0, 16)} UTC.
          </p>
          <NotCoveredList items={data.not_covered} />
          <TableScroll label="Trusts used table">
            <table className="trust-used-table">
              <caption>Trusts used ({data.used.length})</caption>
              <thead>
                <tr>
                  <th scope="col">Account</th>
                  <th scope="col">Role</th>
                  <th scope="col">Trusted principal</th>
                  <th scope="col" className="num">
                    Used
                  </th>
                  <th scope="col">Last used</th>
                  <th scope="col">By</th>
                </tr>
              </thead>
              <tbody>
                {data.used.map((u) => (
                  <tr key={`${u.role_arn}|${u.principal}`}>
                    <td>{nameOf(u.account_id)}</td>
                    <td>{u.role}</td>
                    <td className="break">{u.principal}</td>
                    <td className="num">{u.count}</td>
                    <td>{u.last_used?.replace('T', ' ').slice(0, 19) ?? '–'}</td>
                    <td>
                      {u.by.join(', ')}
                      {u.inferred ? <span className="muted"> (caller narrowed to its account)</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <EdgeTable
            title={`Trusts nobody used in the window: candidates to remove (${data.unused.length})`}
            edges={data.unused}
            nameOf={nameOf}
          />
          {data.unknown_use.length > 0 ? (
            <EdgeTable
              title={`Trusts whose use is unknown: the trail was not read in full (${data.unknown_use.length})`}
              edges={data.unknown_use}
              nameOf={nameOf}
            />
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function EdgeTable({ title, edges, nameOf }: { title: string; edges: TrustEdgeView[]; nameOf(id: string): string }) {
  return (
    <TableScroll label={title}>
      <table>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Role</th>
            <th scope="col">Trusted principal</th>
            <th scope="col">Kind</th>
            <th scope="col">Conditions</th>
          </tr>
        </thead>
        <tbody>
          {edges.map((e) => (
            <tr key={`${e.role_arn}|${e.principal}|${e.conditions.join(',')}`}>
              <td>{nameOf(e.account_id)}</td>
              <td>{e.role}</td>
              <td className="break">{e.principal}</td>
              <td>{e.kind}</td>
              <td>{e.conditions.join(', ') || 'none'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
