import { Link, useLocation } from 'react-router';
import { useSession } from '../session.js';
import { lastWorkspace } from '../workspace.js';
import { TokensSection } from './me/TokensSection.js';
import { TotpSection } from './me/TotpSection.js';
import './me/me.css';

/**
 * The Me page (issue 11 item 1, route /me, linked from the sidebar's user name): the member's own TOTP and API
 * tokens. It renders outside the workspace Layout, so it carries its own way back. On the "no workspace yet" page
 * it is embedded under that page's heading (no second <main>, no link back to where the reader already is).
 */
export function MePage() {
  const { pathname } = useLocation();
  if (pathname !== '/me') return <Embedded />;
  return <MeScreen />;
}

function MeScreen() {
  const { user, signOut } = useSession();
  const last = lastWorkspace();
  return (
    <div className="me-page">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="me-top">
        <nav aria-label="Back">
          <Link to={last ? `/w/${encodeURIComponent(last)}/accounts` : '/'} className="back-link">
            ← Back to workspace{last ? ` ${last}` : ''}
          </Link>
        </nav>
        <button type="button" className="link" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" className="me-main" tabIndex={-1}>
        <h1>{user?.display_name || user?.username}</h1>
        <p className="meta">
          Signed in as <strong>{user?.username}</strong>
          {user?.server_role ? ` · server role: ${user.server_role}` : ''}
        </p>
        <MeSections />
      </main>
    </div>
  );
}

/** Under "No workspace yet": the sections and a way out (that page offers signing out). */
function Embedded() {
  const { signOut } = useSession();
  return (
    <>
      <MeSections />
      <p>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </p>
    </>
  );
}

function MeSections() {
  return (
    <div className="me-sections">
      <TotpSection />
      <TokensSection />
    </div>
  );
}
