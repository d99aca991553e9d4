import { useId, type ReactNode } from 'react';

/**
 * A label and its control tied by id: the control's accessible name is the label alone (a label wrapping a select
 * would also read out the options).
 */
export function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}
