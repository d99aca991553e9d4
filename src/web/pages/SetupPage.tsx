import { useState, type FormEvent } from 'react';
import { ApiError, post } from '../api.js';
import { ErrorLine } from '../components/ErrorLine.js';
import { useSession } from '../session.js';

/** The first start: the one-time setup token `crossbar serve` printed creates the server's owner. */
export function SetupPage() {
  const { refresh } = useSession();
  // The link `crossbar serve` prints carries the token in the fragment (never sent to a server or a log).
  const fromLink = decodeURIComponent(window.location.hash.replace(/^#/, ''));
  const [token, setToken] = useState(fromLink);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await post('/api/setup', { token, username, password });
      window.history.replaceState(null, '', '/');
      await refresh();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'ERROR', String(err)));
    }
  };
  return (
    <main className="auth-page">
      <form className="card auth-card" onSubmit={(e) => void submit(e)} aria-labelledby="setup-title">
        <h1 id="setup-title">Set up crossbar</h1>
        <p>
          Create the server&apos;s owner with the one-time setup token that <code>crossbar serve</code> printed.
        </p>
        <label>
          Setup token
          <input value={token} onChange={(e) => setToken(e.target.value)} autoComplete="off" required />
        </label>
        <label>
          Owner username
          <input autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          Password (12 characters or more)
          <input
            type="password"
            autoComplete="new-password"
            minLength={12}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <ErrorLine error={error} />
        <button type="submit" className="primary">
          Create the owner
        </button>
      </form>
    </main>
  );
}
