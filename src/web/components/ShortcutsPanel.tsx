import { useWorkspace } from '../workspace.js';

/** The Shortcuts panel (seed 000, top right): the workspace's shortcuts such as /switch-to-prod. */
export function ShortcutsPanel() {
  const { detail } = useWorkspace();
  const shortcuts = detail.data?.shortcuts ?? [];
  return (
    <section className="shortcuts" aria-label="Shortcuts">
      <h2>Shortcuts</h2>
      <ul>
        {shortcuts.map((s) => (
          <li key={s.name}>
            <code>/{s.name}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
