import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '../../api/client';
import { post, setCsrfToken, toApiError } from '../../api/client';
import type { Session } from '../../api/types';
import { FormError } from '../../components/form-error';
import { replaceSession } from './session';

function useSubmit() {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  async function run(fn: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  }
  return { error, busy, run };
}

export function SetupPage() {
  const queryClient = useQueryClient();
  const { error, busy, run } = useSubmit();
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await post('/api/setup', { username, password, displayName: displayName || undefined });
      const session = await post<Session>('/api/auth/login', { username, password });
      setCsrfToken(session.csrfToken);
      queryClient.setQueryData(['setup'], { setupNeeded: false });
      queryClient.setQueryData(['session'], session);
    });
  };

  return (
    <main className="auth-page">
      <form className="card auth-card" onSubmit={submit}>
        <h1>Welcome to Serialtrack</h1>
        <p>Create the first administrator account.</p>
        <label>
          Username
          <input
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="username"
            required
          />
        </label>
        <label>
          Display name
          <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        </label>
        <label>
          Password (at least 12 characters)
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password"
            required
          />
        </label>
        <FormError error={error} />
        <button type="submit" className="primary" disabled={busy}>
          Create administrator
        </button>
      </form>
    </main>
  );
}

export function LoginPage({ notice, onSignedIn }: { notice?: string | undefined; onSignedIn: () => void }) {
  const queryClient = useQueryClient();
  const { error, busy, run } = useSubmit();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const session = await post<Session>('/api/auth/login', { username, password });
      setCsrfToken(session.csrfToken);
      replaceSession(queryClient, session);
      onSignedIn();
    });
  };

  return (
    <main className="auth-page">
      <form className="card auth-card" onSubmit={submit}>
        <h1>Sign in to Serialtrack</h1>
        {notice && <p className="notice">{notice}</p>}
        <label>
          Username
          <input
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="username"
            required
          />
        </label>
        <label>
          Password
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password"
            required
          />
        </label>
        <FormError error={error} />
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
