import { useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import type { ApiError } from '../../api/client';
import { del, get, patch, post, toApiError } from '../../api/client';
import type { ApiToken, CreatedToken, PermissionList, Role, User } from '../../api/types';
import { formatLocalDate } from '../../components/dates';
import { FormError } from '../../components/form-error';
import { NewPasswordFields, passwordsDiffer } from '../../components/new-password-fields';
import { Dialog } from '../../components/dialog';
import { useCan } from '../auth/session';

export function UsersPage() {
  const canAdminUsers = useCan('USERS_ADMIN');
  if (!canAdminUsers) {
    return (
      <section>
        <h1>Users and roles</h1>
        <p className="notice" role="status">
          Managing users and roles needs the USERS_ADMIN permission, which your role does not have. Ask your
          administrator. You can change your own password on <Link to="/account">Your account</Link>.
        </p>
      </section>
    );
  }
  return (
    <section>
      <h1>Users and roles</h1>
      <UsersSection />
      <RolesSection />
      <AllTokensSection />
    </section>
  );
}

function useRoles() {
  return useQuery({ queryKey: ['roles'], queryFn: () => get<{ roles: Role[] }>('/api/roles') });
}

function UsersSection() {
  const queryClient = useQueryClient();
  const users = useQuery({ queryKey: ['users'], queryFn: () => get<{ users: User[] }>('/api/users') });
  const roles = useRoles();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [roleId, setRoleId] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // A reset password or a disabled user also revokes tokens, so the token list is refreshed too.
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['users'] }),
      queryClient.invalidateQueries({ queryKey: ['tokens'] }),
    ]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    try {
      await post('/api/users', {
        username,
        ...(displayName.trim() && { displayName: displayName.trim() }),
        password,
        roleIds: roleId ? [Number(roleId)] : [],
      });
      setNotice(`User ${username} created.`);
      setUsername('');
      setDisplayName('');
      setPassword('');
      await refresh();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  const update = async (u: User, body: Record<string, unknown>) => {
    setError(null);
    setNotice(null);
    try {
      await patch(`/api/users/${u.id}`, body);
      await refresh();
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <div className="card">
      <h2>Users</h2>
      <form className="inline-form" onSubmit={(e) => void create(e)} aria-label="New user">
        <input
          placeholder="Username"
          aria-label="New username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
        />
        <input
          placeholder="Display name (optional)"
          aria-label="New user display name"
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
          maxLength={200}
        />
        <input
          type="password"
          placeholder="Password (12+ characters)"
          aria-label="New user password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <select aria-label="Role" value={roleId} onChange={(e) => setRoleId(e.target.value)}>
          <option value="">No role</option>
          {roles.data?.roles.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
        <button type="submit" className="primary">
          Create user
        </button>
      </form>
      <FormError error={error} />
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <table className="table">
        <thead>
          <tr>
            <th>Username</th>
            <th>Name</th>
            <th>Roles</th>
            <th>Active</th>
            <th>Password</th>
          </tr>
        </thead>
        <tbody>
          {users.data?.users.map((u) => (
            <tr key={u.id}>
              <td>{u.username}</td>
              <td>{u.displayName}</td>
              <td>
                {roles.data?.roles.map((r) => (
                  <label key={r.id} className="checkbox inline">
                    <input
                      type="checkbox"
                      checked={u.roleIds.includes(r.id)}
                      onChange={(e) =>
                        void update(u, {
                          roleIds: e.target.checked
                            ? [...u.roleIds, r.id]
                            : u.roleIds.filter((id) => id !== r.id),
                        })
                      }
                    />
                    {r.name}
                  </label>
                ))}
              </td>
              <td>
                <label className="checkbox inline">
                  <input
                    type="checkbox"
                    checked={u.active}
                    onChange={(e) => void update(u, { active: e.target.checked })}
                  />
                  Active
                </label>
              </td>
              <td>
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Reset password of ${u.username}`}
                  onClick={() => {
                    setNotice(null);
                    setResetting(u);
                  }}
                >
                  Reset password
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {resetting && (
        <ResetPasswordDialog
          user={resetting}
          onClose={() => setResetting(null)}
          onDone={() => {
            setNotice(
              `Password of ${resetting.username} reset. Their sessions have ended and their API tokens are revoked: they sign in with the new password.`,
            );
            setResetting(null);
            void refresh();
          }}
        />
      )}
    </div>
  );
}

/**
 * An administrator sets a new password for a user (PATCH /api/users/:id), which ends the user's sessions and
 * revokes their API tokens.
 */
function ResetPasswordDialog({
  user,
  onClose,
  onDone,
}: {
  user: User;
  onClose: () => void;
  onDone: () => void;
}) {
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const mismatch = passwordsDiffer(password, repeat);
    if (mismatch) return setError(mismatch);
    setBusy(true);
    try {
      await patch(`/api/users/${user.id}`, { password });
      onDone();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={`Reset password — ${user.username}`}>
      <form onSubmit={(e) => void submit(e)} aria-label="Reset password">
        <NewPasswordFields
          password={password}
          repeat={repeat}
          onPassword={setPassword}
          onRepeat={setRepeat}
        />
        <p className="muted">
          The user is signed out everywhere, their API tokens are revoked for good, and they sign in again
          with the new password.
        </p>
        <FormError error={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Reset password
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function RolesSection() {
  const queryClient = useQueryClient();
  const roles = useRoles();
  const permissions = useQuery({
    queryKey: ['permissions'],
    queryFn: () => get<PermissionList>('/api/permissions'),
  });
  const [name, setName] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['roles'] });

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await post('/api/roles', { name, permissions: ['INV_VIEW'] });
      setName('');
      await refresh();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  const setPermission = async (role: Role, permission: string, on: boolean) => {
    setError(null);
    try {
      await patch(`/api/roles/${role.id}`, {
        permissions: on
          ? [...role.permissions, permission]
          : role.permissions.filter((p) => p !== permission),
      });
      await refresh();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  const remove = async (role: Role) => {
    setError(null);
    try {
      await del(`/api/roles/${role.id}`);
      await refresh();
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <div className="card">
      <h2>Roles</h2>
      <form className="inline-form" onSubmit={(e) => void create(e)} aria-label="New role">
        <input
          placeholder="Role name"
          aria-label="New role name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
        />
        <button type="submit" className="primary">
          Create role
        </button>
      </form>
      <FormError error={error} />
      <div className="table-scroll">
        <table className="table compact">
          <thead>
            <tr>
              <th>Role</th>
              {permissions.data?.permissions.map((p) => (
                <th key={p.name} title={p.description}>
                  {p.name}
                </th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>
            {roles.data?.roles.map((r) => (
              <tr key={r.id}>
                <td>
                  {r.name}
                  {r.builtIn && <span className="muted"> (built-in)</span>}
                </td>
                {permissions.data?.permissions.map((p) => (
                  <td key={p.name}>
                    <input
                      type="checkbox"
                      aria-label={`${r.name}: ${p.name}`}
                      checked={r.permissions.includes(p.name)}
                      disabled={r.builtIn}
                      onChange={(e) => void setPermission(r, p.name, e.target.checked)}
                    />
                  </td>
                ))}
                <td>
                  {!r.builtIn && (
                    <button type="button" className="link-button" onClick={() => void remove(r)}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** Revokes a token and shows the list as the server then holds it, whether or not the revoke worked. */
function useRevokeToken(queryKey: string[], setError: (e: ApiError | null) => void) {
  const queryClient = useQueryClient();
  return async (token: ApiToken) => {
    setError(null);
    try {
      await del(`/api/tokens/${token.id}`);
    } catch (err) {
      setError(toApiError(err));
    }
    await queryClient.invalidateQueries({ queryKey });
  };
}

function TokenTable({
  tokens,
  owner,
  onRevoke,
}: {
  tokens: ApiToken[];
  /** Shown as a User column when given (the administrator's list of everyone's tokens). */
  owner?: (token: ApiToken) => string;
  onRevoke: (token: ApiToken) => void;
}) {
  return (
    <table className="table compact">
      <thead>
        <tr>
          {owner && <th>User</th>}
          <th>Name</th>
          <th>Starts with</th>
          <th>Created</th>
          <th>Last used</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {tokens.map((t) => (
          <tr key={t.id} className={t.revokedAt ? 'muted' : ''}>
            {owner && <td>{owner(t)}</td>}
            <td>{t.name}</td>
            <td>
              <code>{t.prefix}…</code>
            </td>
            <td>{formatLocalDate(t.createdAt)}</td>
            <td>{t.lastUsedAt ? formatLocalDate(t.lastUsedAt) : '—'}</td>
            <td>
              {t.revokedAt ? (
                'Revoked'
              ) : (
                <button
                  type="button"
                  className="link-button"
                  aria-label={owner ? `Revoke ${t.name} of ${owner(t)}` : `Revoke ${t.name}`}
                  onClick={() => onRevoke(t)}
                >
                  Revoke
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Every user's API tokens, for an administrator to see and revoke (GET /api/tokens?all=true). */
function AllTokensSection() {
  const tokens = useQuery({
    queryKey: ['tokens', 'all'],
    queryFn: () => get<{ tokens: ApiToken[] }>('/api/tokens?all=true'),
  });
  const users = useQuery({ queryKey: ['users'], queryFn: () => get<{ users: User[] }>('/api/users') });
  const [error, setError] = useState<ApiError | null>(null);
  const revoke = useRevokeToken(['tokens'], setError);
  const names = new Map((users.data?.users ?? []).map((u) => [u.id, u.username]));
  return (
    <div className="card">
      <h2>API tokens of all users</h2>
      <p className="muted">
        A token acts as its user. Revoke one that has leaked or is no longer used; resetting a user&apos;s
        password or disabling the user revokes all of theirs.
      </p>
      <FormError error={error} />
      <TokenTable
        tokens={tokens.data?.tokens ?? []}
        owner={(t) => names.get(t.userId) ?? `#${t.userId}`}
        onRevoke={(t) => void revoke(t)}
      />
    </div>
  );
}

export function TokensSection() {
  const queryClient = useQueryClient();
  const tokens = useQuery({
    queryKey: ['tokens'],
    queryFn: () => get<{ tokens: ApiToken[] }>('/api/tokens'),
  });
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['tokens'] });

  const revoke = useRevokeToken(['tokens'], setError);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const res = await post<CreatedToken>('/api/tokens', { name });
      setCreated(res.token);
      setName('');
      await refresh();
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <div className="card">
      <h2>Your API tokens</h2>
      <form className="inline-form" onSubmit={(e) => void create(e)} aria-label="New API token">
        <input
          placeholder="What is it for?"
          aria-label="Token name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
        />
        <button type="submit" className="primary">
          Create token
        </button>
      </form>
      {created && (
        <p className="notice" role="status">
          Copy this token now; it is not shown again: <code>{created}</code>
        </p>
      )}
      <FormError error={error} />
      <TokenTable tokens={tokens.data?.tokens ?? []} onRevoke={(t) => void revoke(t)} />
    </div>
  );
}
