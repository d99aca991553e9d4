import { NavLink, Outlet, useNavigate } from 'react-router';
import { useSession } from '../session.js';
import { atLeast, useWorkspace } from '../workspace.js';
import { ErrorLine } from './ErrorLine.js';
import { ShortcutsPanel } from './ShortcutsPanel.js';

const PAGES: { path: string; label: string; minRole?: 'admin' }[] = [
  { path: 'accounts', label: 'Accounts' },
  { path: 'runs', label: 'Runs' },
  { path: 'inventory', label: 'Inventory' },
  { path: 'cost', label: 'Cost' },
  { path: 'findings', label: 'Findings' },
  { path: 'members', label: 'Members' },
  { path: 'trail', label: 'Trail', minRole: 'admin' },
];

/**
 * Every workspace page: the sidebar with the workspace selector (seed 000 step 4) and the pages, the header with
 * the current workspace, its connection and its member count, and the Shortcuts panel at the top right.
 */
export function Layout() {
  const { user, signOut } = useSession();
  const { name, list, summary, detail } = useWorkspace();
  const navigate = useNavigate();
  const role = detail.data?.role ?? summary?.role;
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">crossbar</div>
        <label className="workspace-select">
          Workspace
          <select
            value={name}
            onChange={(e) => {
              const page = window.location.pathname.split('/')[3] ?? 'accounts';
              void navigate(`/w/${encodeURIComponent(e.target.value)}/${page}`);
            }}
          >
            {(list.data?.workspaces ?? [{ name }]).map((w) => (
              <option key={w.name} value={w.name}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
        <nav aria-label="Workspace pages">
          <ul>
            {PAGES.filter((p) => !p.minRole || atLeast(role, p.minRole)).map((p) => (
              <li key={p.path}>
                <NavLink to={`/w/${encodeURIComponent(name)}/${p.path}`}>{p.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="sidebar-foot">
          <NavLink to="/me">{user?.display_name || user?.username}</NavLink>
          <button type="button" className="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </aside>
      <div className="content">
        <header className="topbar">
          <div className="current-workspace" aria-live="polite">
            <h1>{name}</h1>
            <span className="meta">
              <span data-testid="connection">
                connection: {detail.data?.workspace.connection.kind ?? summary?.connection.kind ?? '…'}
              </span>
              {' · '}
              <span data-testid="member-count">
                {summary ? `${summary.member_count} member${summary.member_count === 1 ? '' : 's'}` : '…'}
              </span>
              {role ? ` · you are ${role}` : ''}
            </span>
          </div>
          <ShortcutsPanel />
        </header>
        <main id="main" tabIndex={-1}>
          {detail.error ? <ErrorLine error={detail.error} /> : <Outlet />}
        </main>
      </div>
    </div>
  );
}
