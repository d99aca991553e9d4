import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { useApi, type Loaded } from './use-api.js';
import { seg } from './api.js';
import type { WorkspaceDetail, WorkspaceSummary } from './types.js';
import { useWorkspaceChanges } from './use-workspace-changes.js';

const LAST = 'crossbar.workspace';

/** The workspace remembered from the last visit (seed 000 step 4: the selector keeps its choice). */
export function lastWorkspace(): string | undefined {
  try {
    return localStorage.getItem(LAST) ?? undefined;
  } catch {
    return undefined;
  }
}

export function rememberWorkspace(name: string): void {
  try {
    localStorage.setItem(LAST, name);
  } catch {
    // private mode: nothing to remember
  }
}

export interface WorkspaceState {
  /** The workspace in the URL. */
  name: string;
  list: Loaded<{ workspaces: WorkspaceSummary[] }>;
  detail: Loaded<WorkspaceDetail>;
  summary: WorkspaceSummary | undefined;
  /** Moves on each change to the workspace announced by the server (members, shortcuts, the workspace itself). */
  changes: number;
}

const WorkspaceContext = createContext<WorkspaceState | undefined>(undefined);

export function WorkspaceProvider({
  name,
  list,
  children,
}: {
  name: string;
  list: Loaded<{ workspaces: WorkspaceSummary[] }>;
  children: ReactNode;
}) {
  const detail = useApi<WorkspaceDetail>(`/api/workspaces/${seg(name)}`);
  // Another member's change (a role, a limit, a removal) reaches this page at once: the detail and list are re-read.
  const changes = useWorkspaceChanges(name, () => {
    detail.reload();
    list.reload();
  });
  useEffect(() => {
    if (detail.data) rememberWorkspace(name);
  }, [detail.data, name]);
  const summary = list.data?.workspaces.find((w) => w.name === name);
  return (
    <WorkspaceContext.Provider value={{ name, list, detail, summary, changes }}>{children}</WorkspaceContext.Provider>
  );
}

export function useWorkspace(): WorkspaceState {
  const state = useContext(WorkspaceContext);
  if (!state) throw new Error('useWorkspace outside WorkspaceProvider');
  return state;
}

/** Whether the caller's workspace role is at least `role`. */
export function atLeast(role: string | undefined, wanted: 'viewer' | 'operator' | 'admin' | 'owner'): boolean {
  const order = ['viewer', 'operator', 'admin', 'owner'];
  return role !== undefined && order.indexOf(role) >= order.indexOf(wanted);
}
