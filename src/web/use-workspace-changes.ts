import { useEffect, useRef, useState } from 'react';
import { seg } from './api.js';

/**
 * Follows `GET /api/workspaces/:ws/changes` (Server-Sent Events): `onChange` runs on each member, shortcut or
 * workspace change, on a reconnect (changes may have been missed meanwhile) and when the server ends the stream
 * for this member (removed, signed out: the re-read then shows why). Returns a counter that moves on each change,
 * for pages to re-read what they show. The browser reconnects by itself after a dropped connection; a refusal
 * (404, 401) ends it.
 */
export function useWorkspaceChanges(name: string, onChange: () => void): number {
  const [changes, setChanges] = useState(0);
  const callback = useRef(onChange);
  callback.current = onChange;
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource(`/api/workspaces/${seg(name)}/changes`);
    let opened = false;
    const changed = () => {
      setChanges((n) => n + 1);
      callback.current();
    };
    source.addEventListener('ready', () => {
      if (opened) changed();
      opened = true;
    });
    source.addEventListener('change', changed);
    source.addEventListener('closed', () => {
      source.close();
      changed();
    });
    return () => source.close();
  }, [name]);
  return changes;
}
