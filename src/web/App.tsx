import { lazy, Suspense, type ComponentType } from 'react';
import { Navigate, Route, Routes, useParams } from 'react-router';
import { ErrorLine } from './components/ErrorLine.js';
import { Layout } from './components/Layout.js';
import { AccountsPage } from './pages/AccountsPage.js';
import { SetupPage } from './pages/SetupPage.js';
import { SignInPage } from './pages/SignInPage.js';
import { SessionProvider, useSession } from './session.js';
import { useApi } from './use-api.js';
import { lastWorkspace, WorkspaceProvider } from './workspace.js';
import type { WorkspaceSummary } from './types.js';

/**
 * The first page (sign-in, then Accounts) is in the main bundle; every other page is its own chunk, loaded when first
 * shown (chart.js, qrcode… stay out of the first page's JavaScript: bench/web measures it).
 */
function lazyPage(load: () => Promise<ComponentType>): ComponentType {
  const Page = lazy(async () => ({ default: await load() }));
  return function LazyPage() {
    return (
      <Suspense fallback={<p className="loading">Loading…</p>}>
        <Page />
      </Suspense>
    );
  };
}
const CostPage = lazyPage(async () => (await import('./pages/CostPage.js')).CostPage);
const FindingsPage = lazyPage(async () => (await import('./pages/FindingsPage.js')).FindingsPage);
const InventoryPage = lazyPage(async () => (await import('./pages/InventoryPage.js')).InventoryPage);
const MePage = lazyPage(async () => (await import('./pages/MePage.js')).MePage);
const MembersPage = lazyPage(async () => (await import('./pages/MembersPage.js')).MembersPage);
const RunsPage = lazyPage(async () => (await import('./pages/RunsPage.js')).RunsPage);
const TrailPage = lazyPage(async () => (await import('./pages/TrailPage.js')).TrailPage);

export function App() {
  return (
    <SessionProvider>
      <Gate />
    </SessionProvider>
  );
}

/** Nobody signed in: setup (before the owner exists) or sign-in; else the workspace pages. */
function Gate() {
  const { user, needsSetup, error } = useSession();
  if (error)
    return (
      <main className="auth-page">
        <ErrorLine error={error} />
      </main>
    );
  if (user === undefined) return <p className="loading">Loading…</p>;
  if (user === null) return needsSetup ? <SetupPage /> : <SignInPage />;
  return <SignedIn />;
}

function SignedIn() {
  const list = useApi<{ workspaces: WorkspaceSummary[] }>('/api/workspaces');
  const workspaces = list.data?.workspaces;
  const home = () => {
    if (!workspaces) return <p className="loading">Loading…</p>;
    const last = lastWorkspace();
    const target = workspaces.find((w) => w.name === last)?.name ?? workspaces[0]?.name;
    if (!target)
      return (
        <main className="empty-state">
          <h1>No workspace yet</h1>
          <p>You are not a member of any workspace. Ask a workspace owner to add you, or sign out.</p>
          <MePage />
        </main>
      );
    return <Navigate to={`/w/${encodeURIComponent(target)}/accounts`} replace />;
  };
  return (
    <Routes>
      <Route path="/" element={home()} />
      <Route path="/me" element={<MePage />} />
      <Route path="/w/:ws" element={<WorkspaceRoute list={list} />}>
        <Route index element={<Navigate to="accounts" replace />} />
        <Route path="accounts" element={<AccountsPage />} />
        <Route path="runs/*" element={<RunsPage />} />
        <Route path="inventory" element={<InventoryPage />} />
        <Route path="cost" element={<CostPage />} />
        <Route path="findings" element={<FindingsPage />} />
        <Route path="members" element={<MembersPage />} />
        <Route path="trail" element={<TrailPage />} />
      </Route>
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}

function WorkspaceRoute({ list }: { list: ReturnType<typeof useApi<{ workspaces: WorkspaceSummary[] }>> }) {
  const { ws = '' } = useParams();
  return (
    <WorkspaceProvider key={ws} name={ws} list={list}>
      <Layout />
    </WorkspaceProvider>
  );
}
