import type { Db } from '../db/database.js';
import { AppError, conflict, forbidden, invalid, notFound, rateLimited } from '../shared/errors.js';
import { nowIso } from '../shared/time.js';
import { usersRepository } from '../users/users.repository.js';
import { rolesRepository } from '../users/roles.repository.js';
import { insertUser, type UsersService, type UserView } from '../users/users.service.js';
import { checkPassword } from './password-policy.js';
import { settingsRepository } from '../settings/settings.repository.js';
import { authRepository } from './auth.repository.js';
import { hashPassword, needsRehash, randomToken, sha256, verifyPassword } from './password.js';
import type { Permission } from './permissions.js';
import { ADDRESS_LIMIT, throttleWaitSeconds, USER_LIMIT, type ThrottleLimit } from './login-throttle.js';

export interface Principal {
  userId: number;
  username: string;
  displayName: string;
  permissions: ReadonlySet<Permission>;
  via: 'session' | 'token';
  /** Present for cookie sessions: mutations must echo it in the X-CSRF-Token header. */
  csrfToken?: string;
}

export interface TokenView {
  id: number;
  userId: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const SETUP_LOCK_KEY = 'setup.completed';
// A well-formed hash at the current cost that no password matches: an unknown username costs as much time.
const UNKNOWN_USER_HASH = `scrypt$16384$8$5$${'A'.repeat(22)}==$${'A'.repeat(86)}==`;
const unauthenticated = (message: string) => new AppError('unauthenticated', 'UNAUTHENTICATED', message);

export function createAuthService(db: Db, users: UsersService, opts: { sessionTtlHours: number }) {
  /**
   * Counts the attempt first (under both keys, see login-throttle.ts), then checks the password; a good
   * sign-in clears the username's count and takes its attempt back from the address's count, so one good
   * password does not clear a spraying address's record. Old password hashes are remade with the current
   * scrypt cost here, the one moment the password is known.
   */
  async function checkCredentials(username: string, password: string, clientAddress: string) {
    const now = Date.now();
    const at = new Date(now).toISOString();
    const addressKey = sha256(`address|${clientAddress}`);
    const userKey = sha256(`user|${username}|${clientAddress}`);
    const count = async (key: string, limit: ThrottleLimit) => {
      const row = await authRepository.countSignInAttempt(
        db,
        key,
        at,
        new Date(now - limit.windowMs).toISOString(),
      );
      return throttleWaitSeconds(row.attempts, row.window_started_at, limit, now);
    };
    const tooMany = (whose: string, wait: number) =>
      rateLimited(
        'TOO_MANY_ATTEMPTS',
        `Too many failed sign-ins ${whose}. Try again in ${Math.ceil(wait / 60)} minute(s).`,
        wait,
      );
    const addressWait = await count(addressKey, ADDRESS_LIMIT);
    if (addressWait > 0) throw tooMany('from your network address', addressWait);
    const userWait = await count(userKey, USER_LIMIT);
    if (userWait > 0) {
      await authRepository.uncountSignInAttempt(db, addressKey);
      throw tooMany(`for ${username}`, userWait);
    }
    // Forget windows long past (an indexed range delete; sign-ins are rare next to other requests).
    await authRepository.deleteExpiredSignInAttempts(db, new Date(now - 3_600_000).toISOString());
    const user = await usersRepository.findByUsername(db, username);
    // Verify even for unknown users so response time does not reveal which usernames exist.
    const ok = await verifyPassword(password, user?.password_hash ?? UNKNOWN_USER_HASH);
    if (!user || !ok || user.active !== 1) {
      throw new AppError(
        'unauthenticated',
        'BAD_CREDENTIALS',
        'Wrong username or password, or the account is disabled.',
      );
    }
    await authRepository.forgetSignInAttempts(db, userKey);
    await authRepository.uncountSignInAttempt(db, addressKey);
    if (needsRehash(user.password_hash)) {
      await usersRepository.upgradePasswordHash(
        db,
        user.id,
        user.password_hash,
        await hashPassword(password),
      );
    }
    return user;
  }
  async function principalFor(
    userId: number,
    via: Principal['via'],
    csrfToken?: string,
  ): Promise<Principal | null> {
    const user = await usersRepository.findById(db, userId);
    if (!user || user.active !== 1) return null;
    const permissions = new Set(await usersRepository.permissionsOf(db, userId));
    return {
      userId,
      username: user.username,
      displayName: user.display_name,
      permissions,
      via,
      ...(csrfToken && { csrfToken }),
    };
  }

  const service = {
    async setupNeeded(): Promise<boolean> {
      return (await usersRepository.count(db)) === 0;
    },

    /**
     * One-time creation of the first administrator on an empty database, in one transaction: a refused or
     * interrupted attempt leaves nothing behind, so setup can always be tried again.
     */
    async setupFirstAdmin(input: {
      username: string;
      displayName?: string | undefined;
      password: string;
    }): Promise<UserView> {
      const setupDone = () =>
        conflict('SETUP_DONE', 'Setup has already been completed. Sign in with an existing account.');
      if (!(await service.setupNeeded())) throw setupDone();
      checkPassword(input.password);
      const passwordHash = await hashPassword(input.password);
      const id = await db.transaction().execute(async (tx) => {
        // The lock row serialises concurrent setups (a row lock on PostgreSQL; SQLite writers are
        // serialised), so the recount below sees any administrator created by a setup that won the race.
        await settingsRepository.upsert(tx, SETUP_LOCK_KEY, 'true', nowIso());
        if ((await usersRepository.count(tx)) > 0) throw setupDone();
        const adminRole = await rolesRepository.findByName(tx, 'Administrator');
        if (!adminRole) throw new Error('The built-in Administrator role is missing; restart the server.');
        const userId = await insertUser(tx, { ...input, passwordHash });
        await usersRepository.setRoles(tx, userId, [adminRole.id]);
        return userId;
      });
      return users.getUser(id);
    },

    async login(
      username: string,
      password: string,
      clientAddress = 'local',
    ): Promise<{ sessionId: string; csrfToken: string; expiresAt: string; principal: Principal }> {
      const user = await checkCredentials(username, password, clientAddress);
      const sessionId = randomToken();
      const csrfToken = randomToken();
      const at = nowIso();
      const expiresAt = new Date(Date.now() + opts.sessionTtlHours * 3_600_000).toISOString();
      await authRepository.deleteExpiredSessions(db, at);
      await authRepository.insertSession(db, {
        idHash: sha256(sessionId),
        userId: user.id,
        csrfToken,
        at,
        expiresAt,
      });
      const principal = await principalFor(user.id, 'session', csrfToken);
      if (!principal) throw unauthenticated('The account is disabled.');
      return { sessionId, csrfToken, expiresAt, principal };
    },

    /** Changes your own password after checking the current one; every other session of yours ends. */
    async changeOwnPassword(
      principal: Principal,
      currentPassword: string,
      newPassword: string,
      keepSessionId?: string,
    ) {
      checkPassword(newPassword, 'newPassword');
      if (newPassword === currentPassword) {
        const message = 'The new password is the same as the current one. Choose a different password.';
        throw invalid('SAME_PASSWORD', message, [{ field: 'newPassword', code: 'same', message }]);
      }
      const user = await usersRepository.findById(db, principal.userId);
      if (!user || !(await verifyPassword(currentPassword, user.password_hash))) {
        throw invalid('WRONG_PASSWORD', 'The current password is not right.', [
          { field: 'currentPassword', code: 'wrong', message: 'Not your current password' },
        ]);
      }
      await users.updateUser(principal.userId, { password: newPassword }, { keepTokens: true });
      // updateUser ended every session of the user; keep the one making this request signed in.
      if (keepSessionId && principal.csrfToken) {
        const at = nowIso();
        const expiresAt = new Date(Date.now() + opts.sessionTtlHours * 3_600_000).toISOString();
        await authRepository.insertSession(db, {
          idHash: sha256(keepSessionId),
          userId: principal.userId,
          csrfToken: principal.csrfToken,
          at,
          expiresAt,
        });
      }
    },

    async logout(sessionId: string): Promise<void> {
      await authRepository.deleteSession(db, sha256(sessionId));
    },

    async authenticateSession(sessionId: string): Promise<Principal | null> {
      const session = await authRepository.findSession(db, sha256(sessionId));
      if (!session || session.expires_at < nowIso()) return null;
      return principalFor(session.user_id, 'session', session.csrf_token);
    },

    async authenticateToken(token: string): Promise<Principal | null> {
      const row = await authRepository.findActiveToken(db, sha256(token));
      if (!row) return null;
      // Record use at most once a minute: a write on every API call would throttle read-heavy integrations.
      if (!row.last_used_at || Date.parse(row.last_used_at) < Date.now() - 60_000) {
        await authRepository.touchToken(db, row.id, nowIso());
      }
      return principalFor(row.user_id, 'token');
    },

    async createToken(userId: number, name: string): Promise<{ token: string; view: TokenView }> {
      const token = `st_${randomToken()}`;
      const id = await authRepository.insertToken(db, {
        userId,
        name,
        tokenHash: sha256(token),
        prefix: token.slice(0, 9),
        at: nowIso(),
      });
      const row = await authRepository.findToken(db, id);
      return { token, view: toTokenView(row!) };
    },

    /** For the CLI, which names the user rather than signing in as them. */
    async createTokenForUsername(
      username: string,
      name: string,
    ): Promise<{ token: string; view: TokenView }> {
      const user = await usersRepository.findByUsername(db, username);
      if (!user) throw new AppError('not_found', 'NOT_FOUND', `No user named "${username}".`);
      return service.createToken(user.id, name);
    },

    async listTokens(principal: Principal, all: boolean): Promise<TokenView[]> {
      if (all && !principal.permissions.has('USERS_ADMIN')) {
        throw forbidden('FORBIDDEN', "Listing every user's tokens needs the USERS_ADMIN permission.");
      }
      return (await authRepository.listTokens(db, all ? undefined : principal.userId)).map(toTokenView);
    },

    async revokeToken(principal: Principal, id: number): Promise<void> {
      const row = await authRepository.findToken(db, id);
      if (!row || (row.user_id !== principal.userId && !principal.permissions.has('USERS_ADMIN'))) {
        throw notFound('API token', id);
      }
      await authRepository.revokeToken(db, id, nowIso());
    },
  };
  return service;
}

function toTokenView(r: {
  id: number;
  user_id: number;
  name: string;
  token_prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}): TokenView {
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    prefix: r.token_prefix,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
