import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { AccountRole, WorkspaceAccount } from '../types.js';
import { RoleActions, type VendPurpose } from './RoleActions.js';

/** The performance mark bench/web reads: the grid's first rows are on screen with their buttons. */
export const GRID_READY_MARK = 'crossbar:accounts-grid-ready';

const STAGES = new Set(['dev', 'staging', 'prod']);

/**
 * The accounts as a virtualised table (@tanstack/react-virtual): only the rows in view (and a few more) are in the
 * DOM, so a workspace of 1,000 accounts renders as fast as one of ten. Rows have their own height (roles, tags).
 */
export function AccountGrid({
  accounts,
  total,
  mayVend,
  highlight,
  onVend,
}: {
  accounts: WorkspaceAccount[];
  total: number;
  mayVend: boolean;
  highlight: string | undefined;
  onVend(account: WorkspaceAccount, role: AccountRole, purpose: VendPurpose): void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: accounts.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 76,
    overscan: 6,
    scrollPaddingStart: 44,
    getItemKey: (index) => accounts[index]?.id ?? index,
  });
  const items = virtualizer.getVirtualItems();

  const marked = useRef(false);
  useEffect(() => {
    if (marked.current || items.length === 0) return;
    marked.current = true;
    performance.mark(GRID_READY_MARK);
  }, [items.length]);

  const highlightIndex = highlight === undefined ? -1 : accounts.findIndex((a) => a.name === highlight);
  useEffect(() => {
    if (highlightIndex < 0) return;
    virtualizer.scrollToIndex(highlightIndex, { align: 'center' });
    const frame = requestAnimationFrame(() => {
      const row = scroller.current?.querySelector<HTMLElement>(`[data-index="${highlightIndex}"]`);
      row?.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(frame);
    // Only when the highlighted account changes, not on every render (the virtualizer is a new object each time).
  }, [highlightIndex, highlight]);

  return (
    <div
      ref={scroller}
      className="account-grid"
      role="table"
      aria-label="Accounts"
      aria-rowcount={accounts.length + 1}
      data-total={total}
    >
      <div role="rowgroup" className="account-grid-head">
        <div role="row" aria-rowindex={1} className="account-row">
          <span role="columnheader">Account</span>
          <span role="columnheader">Stage</span>
          <span role="columnheader">OU</span>
          <span role="columnheader">Tags</span>
          <span role="columnheader">Roles you may use</span>
        </div>
      </div>
      <div role="rowgroup" className="account-grid-body" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const account = accounts[item.index];
          if (!account) return null;
          const stage = STAGES.has(account.stage) ? `stage-${account.stage}` : 'stage-other';
          return (
            <div
              key={item.key}
              ref={virtualizer.measureElement}
              data-index={item.index}
              data-account={account.name}
              role="row"
              aria-rowindex={item.index + 2}
              tabIndex={-1}
              className={`account-row ${stage}${account.name === highlight ? ' highlight' : ''}`}
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <span role="cell" className="account-name">
                <strong>{account.name}</strong>
                <span className="muted">
                  {account.id}
                  {account.alias ? ` · ${account.alias}` : ''}
                </span>
              </span>
              <span role="cell">
                <span className="stage-badge">{account.stage || '—'}</span>
              </span>
              <span role="cell" className="muted">
                {account.ou ?? '—'}
              </span>
              <span role="cell" className="tags">
                {Object.entries(account.tags).map(([k, v]) => (
                  <span key={k} className="tag">
                    {k}={v}
                  </span>
                ))}
              </span>
              <span role="cell" className="roles">
                {account.roles.length === 0 ? <span className="muted">none for you</span> : null}
                {account.roles.map((role) => (
                  <RoleActions key={role.key} account={account} role={role} mayVend={mayVend} onVend={onVend} />
                ))}
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
