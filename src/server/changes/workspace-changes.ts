import type { ServerDeps } from '../server-deps.js';

/** What a subscriber hears of a change: the trail's action and target, and when. Never the change's details. */
export interface WorkspaceChange {
  action: string;
  target: string | null;
  at: string;
}

type Listener = (change: WorkspaceChange) => void;

/**
 * The actions that change what a member of a workspace sees or may do: its members (roles, limits, removals), its
 * shortcuts, the workspace itself. Fed by `recordWorkspaceTrail` when such an action succeeds, so a new change
 * route is announced as soon as it is trailed.
 */
export const CHANGE_ACTION = /^(member|shortcut|workspace)\./;

/**
 * Changes to workspaces, announced to this process's listeners (the `…/changes` event streams of open pages).
 * In-process only: a second server process on the same PostgreSQL database does not hear this one's changes (its
 * pages learn of them at their next reload).
 */
export class WorkspaceChanges {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly enders = new Set<() => void>();
  private ended = false;

  /**
   * Runs `end` when the server stops (`endAll`), at once if it already has; returns the way to stop listening.
   * The streams end then, so a stopping server does not wait its whole grace period for open pages.
   */
  onEnd(end: () => void): () => void {
    if (this.ended) {
      end();
      return () => undefined;
    }
    this.enders.add(end);
    return () => this.enders.delete(end);
  }

  /** The server is stopping: every change stream ends, and new ones end at once. */
  endAll(): void {
    this.ended = true;
    for (const end of [...this.enders]) end();
    this.enders.clear();
  }

  /** Listens to one workspace (by id); returns the way to stop. */
  subscribe(workspaceId: string, listener: Listener): () => void {
    let set = this.listeners.get(workspaceId);
    if (!set) this.listeners.set(workspaceId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(workspaceId);
    };
  }

  publish(workspaceId: string, change: WorkspaceChange): void {
    for (const listener of [...(this.listeners.get(workspaceId) ?? [])]) listener(change);
  }

  /** How many listen to a workspace (tests: a closed stream stops listening). */
  listenerCount(workspaceId: string): number {
    return this.listeners.get(workspaceId)?.size ?? 0;
  }
}

const notifiers = new WeakMap<ServerDeps, WorkspaceChanges>();

/** The app's change notifier (one per app, as its run hub). */
export function workspaceChangesOf(deps: ServerDeps): WorkspaceChanges {
  let changes = notifiers.get(deps);
  if (!changes) notifiers.set(deps, (changes = new WorkspaceChanges()));
  return changes;
}
