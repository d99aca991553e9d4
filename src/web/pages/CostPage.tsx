import { useId, useMemo, useState } from 'react';
import { seg } from '../api.js';
import { ErrorLine } from '../components/ErrorLine.js';
import { Field } from '../components/Field.js';
import { TableScroll } from '../components/TableScroll.js';
import { CostChart } from '../cost/CostChart.js';
import type { CostAnswer, CostReport, CostRow } from '../cost/cost-types.js';
import { direction, money, monthLabel, percent, signedMoney } from '../cost/format.js';
import { useApi } from '../use-api.js';
import { useWorkspace } from '../workspace.js';
import './cost-findings.css';

type Grouping = 'account' | 'service' | 'ou' | 'tag';
const GROUPINGS: { value: Grouping; label: string }[] = [
  { value: 'account', label: 'Account' },
  { value: 'service', label: 'Service' },
  { value: 'ou', label: 'OU' },
  { value: 'tag', label: 'Tag' },
];
const MONTHS = [3, 6, 12];

/**
 * The Cost page (issue 11 item 7): the workspace's bill by account, service, OU or tag, month over month, as a
 * stacked bar chart (chart.js, loaded with the chart) and as a table (the chart's text alternative), with the top
 * movers between the last two full months. Everything comes from GET /api/workspaces/:ws/cost, which only ever
 * counts the workspace's own accounts.
 */
export function CostPage() {
  const { name, detail } = useWorkspace();
  const [by, setBy] = useState<Grouping>('account');
  const [tagKey, setTagKey] = useState('team');
  const [months, setMonths] = useState(6);
  const [filter, setFilter] = useState('');
  const tagKeys = useMemo(
    () => [...new Set((detail.data?.accounts ?? []).flatMap((a) => Object.keys(a.tags)))].sort(),
    [detail.data],
  );
  const byParam = by === 'tag' ? `tag:${tagKey.trim() || 'team'}` : by;
  const cost = useApi<CostAnswer>(`/api/workspaces/${seg(name)}/cost?by=${seg(byParam)}&months=${months}`);
  const report = cost.data?.report;

  return (
    <section className="cost-page" aria-labelledby="cost-title">
      <h2 id="cost-title">Cost</h2>
      <form className="cost-controls" onSubmit={(e) => e.preventDefault()}>
        <Field label="Group by">
          {(id) => (
            <select id={id} value={by} onChange={(e) => setBy(e.target.value as Grouping)}>
              {GROUPINGS.map((g) => (
                <option key={g.value} value={g.value}>
                  {g.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {by === 'tag' ? (
          <Field label="Tag key">
            {(id) => (
              <>
                <input id={id} list="cost-tag-keys" value={tagKey} onChange={(e) => setTagKey(e.target.value)} />
                <datalist id="cost-tag-keys">
                  {tagKeys.map((k) => (
                    <option key={k} value={k} />
                  ))}
                </datalist>
              </>
            )}
          </Field>
        ) : null}
        <Field label="Months">
          {(id) => (
            <select id={id} value={months} onChange={(e) => setMonths(Number(e.target.value))}>
              {MONTHS.map((m) => (
                <option key={m} value={m}>
                  {m} full months + this one
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Filter rows">
          {(id) => (
            <input
              id={id}
              type="search"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              placeholder="name…"
            />
          )}
        </Field>
        <button type="button" onClick={cost.reload} disabled={cost.loading}>
          Reload
        </button>
      </form>
      <ErrorLine error={cost.error} />
      {cost.loading && !report ? <p className="loading">Asking Cost Explorer…</p> : null}
      {report ? <CostBody report={report} answer={cost.data} filter={filter} loading={cost.loading} /> : null}
    </section>
  );
}

function CostBody({
  report,
  answer,
  filter,
  loading,
}: {
  report: CostReport;
  answer: CostAnswer | undefined;
  filter: string;
  loading: boolean;
}) {
  const captionId = useId();
  const needle = filter.trim().toLowerCase();
  const rows = needle
    ? report.rows.filter((r) => r.labels.join(' ').toLowerCase().includes(needle) || r.key.includes(needle))
    : report.rows;
  const cmp = report.comparison;
  const last = report.months.filter((m) => cmp && m.month === cmp.current)[0];
  const before = report.months.filter((m) => cmp && m.month === cmp.previous)[0];
  const by = report.by.join(', ');
  return (
    <div aria-busy={loading}>
      <dl className="cost-summary">
        <div>
          <dt>Total, {report.months.length} months</dt>
          <dd data-testid="cost-total">{money(report.total, report.unit)}</dd>
        </div>
        {cmp && last && before ? (
          <div>
            <dt>
              {cmp.current} against {cmp.previous}
            </dt>
            <dd>
              <Change row={{ absolute: last.total - before.total, previous: before.total }} unit={report.unit} />
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Accounts</dt>
          <dd>{answer?.accounts.map((a) => a.name).join(', ') || 'none'}</dd>
        </div>
        <div>
          <dt>Source</dt>
          <dd>
            Cost Explorer, {report.metric}
            {answer?.cached_age_ms !== null && answer?.cached_age_ms !== undefined
              ? `, answer cached ${answer.cached_age_ms < 60_000 ? 'under a minute' : `${Math.round(answer.cached_age_ms / 60_000)} min`} ago`
              : ''}
          </dd>
        </div>
      </dl>
      {report.rows.length > 0 ? <CostChart report={report} describedBy={captionId} /> : null}
      <TableScroll label="Bill table">
        <table className="cost-table">
          <caption id={captionId}>
            Bill by {by}, {report.start} to {report.end} ({report.unit})
            {cmp ? `; change is ${cmp.current} against ${cmp.previous}` : ''}
          </caption>
          <thead>
            <tr>
              {report.by.map((b) => (
                <th key={b} scope="col">
                  {b}
                </th>
              ))}
              {report.months.map((m) => (
                <th key={m.month} scope="col" className="num">
                  {monthLabel(m)}
                </th>
              ))}
              <th scope="col" className="num">
                Total
              </th>
              {cmp ? (
                <th scope="col" className="num">
                  Change
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={report.by.length + report.months.length + 2}>No cost {needle ? 'matches' : 'yet'}.</td>
              </tr>
            ) : null}
            {rows.map((r) => (
              <tr key={r.key} data-key={r.key}>
                {r.labels.map((l, i) => (
                  <th key={i} scope="row">
                    <GroupLabel row={r} label={l} isAccount={report.by[i] === 'account'} />
                  </th>
                ))}
                {r.monthly.map((v, i) => (
                  <td key={i} className="num">
                    {money(v, report.unit)}
                  </td>
                ))}
                <td className="num">{money(r.total, report.unit)}</td>
                {cmp ? <td className="num">{r.change ? <Change row={r.change} unit={report.unit} /> : '–'}</td> : null}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={report.by.length}>
                Total
              </th>
              {report.months.map((m) => (
                <td key={m.month} className="num">
                  {money(m.total, report.unit)}
                </td>
              ))}
              <td className="num">{money(report.total, report.unit)}</td>
              {cmp ? <td /> : null}
            </tr>
          </tfoot>
        </table>
      </TableScroll>
      <Movers report={report} />
    </div>
  );
}

function GroupLabel({ row, label, isAccount }: { row: CostRow; label: string; isAccount: boolean }) {
  if (!isAccount || !row.account) return <>{label}</>;
  const stage = row.account.stage;
  const cls = stage === 'dev' || stage === 'staging' || stage === 'prod' ? `stage-${stage}` : '';
  return (
    <span className={cls}>
      {label} {stage ? <span className="stage-badge">{stage}</span> : null}
    </span>
  );
}

function Change({ row, unit }: { row: { absolute: number; previous: number; percent?: number | null }; unit: string }) {
  const d = direction(row.absolute);
  const pct = row.percent !== undefined ? row.percent : row.previous === 0 ? null : (row.absolute / row.previous) * 100;
  return (
    <span className={`cost-change ${d.className}`}>
      <span aria-hidden="true">{d.arrow} </span>
      <span className="visually-hidden">{d.word} </span>
      {signedMoney(row.absolute, unit)} ({percent(pct)})
    </span>
  );
}

function Movers({ report }: { report: CostReport }) {
  const cmp = report.comparison;
  if (!cmp) return <p className="muted">Top movers need two full months in the range.</p>;
  return (
    <section className="cost-movers" aria-labelledby="movers-title">
      <h3 id="movers-title">
        Top movers, {cmp.current} against {cmp.previous}
      </h3>
      {report.movers.length === 0 ? (
        <p>Nothing moved.</p>
      ) : (
        <TableScroll label="Top movers table">
          <table>
            <caption className="visually-hidden">Top movers</caption>
            <thead>
              <tr>
                <th scope="col">{report.by.join(' / ')}</th>
                <th scope="col" className="num">
                  {cmp.previous}
                </th>
                <th scope="col" className="num">
                  {cmp.current}
                </th>
                <th scope="col" className="num">
                  Change
                </th>
              </tr>
            </thead>
            <tbody>
              {report.movers.map((m) => (
                <tr key={m.key} data-key={m.key}>
                  <th scope="row">
                    <GroupLabel row={m} label={m.labels.join(' / ')} isAccount={report.by[0] === 'account'} />
                  </th>
                  <td className="num">{money(m.change?.previous ?? 0, report.unit)}</td>
                  <td className="num">{money(m.change?.current ?? 0, report.unit)}</td>
                  <td className="num">{m.change ? <Change row={m.change} unit={report.unit} /> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
