import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { post, toApiError, type ApiError } from '../../api/client';
import { FormError } from '../../components/form-error';
import { NewPasswordFields, passwordsDiffer } from '../../components/new-password-fields';
import { useSession } from '../auth/session';

/** Your account: change your own password (POST /api/auth/password); API tokens are linked. */
export function AccountPage() {
  const session = useSession();
  return (
    <section>
      <h1>Your account</h1>
      <p>
        Signed in as <strong>{session.user.username}</strong>
        {session.user.displayName !== session.user.username && <> ({session.user.displayName})</>}.{' '}
        <Link to="/tokens">Your API tokens</Link>
      </p>
      {session.via === 'session' ? (
        <ChangePasswordSection />
      ) : (
        <p className="muted">
          Sign in with your password to change it (this page was opened with an API token).
        </p>
      )}
    </section>
  );
}

function ChangePasswordSection() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [done, setDone] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(false);
    const mismatch = passwordsDiffer(next, repeat);
    if (mismatch) return setError(mismatch);
    setBusy(true);
    try {
      await post('/api/auth/password', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(true);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card narrow-form" onSubmit={(e) => void submit(e)} aria-label="Change password">
      <h2>Change password</h2>
      <label>
        Current password
        <input
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          required
        />
      </label>
      <NewPasswordFields password={next} repeat={repeat} onPassword={setNext} onRepeat={setRepeat} />
      <FormError error={error} />
      {done && (
        <p className="notice" role="status">
          Password changed. You stay signed in here; your other sessions have ended.
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Change password
        </button>
      </div>
    </form>
  );
}
