import type { ReactNode } from 'react';

/**
 * A wide table at phone width scrolls in its own box, not the page. The box is a named region that takes the
 * keyboard's focus, so it can be scrolled without a mouse (axe-core: scrollable-region-focusable, serious).
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
