import type { Db, Executor } from '../db/database.js';
import { AppError, conflict, invalid, notFound } from '../shared/errors.js';
import { isUniqueViolation } from '../shared/db-errors.js';
import { nowIso } from '../shared/time.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { checkPassword } from '../auth/password-policy.js';
import { BUILT_IN_ROLES, isPermission } from '../auth/permissions.js';
import { usersRepository } from './users.repository.js';
import { rolesRepository } from './roles.repository.js';
import { authRepository } from '../auth/auth.repository.js';
import { settingsRepository } from '../settings/settings.repository.js';

export interface UserView {
  id: number;
  username: string;
  displayName: string;
  active: boolean;
  roleIds: number[];
  createdAt: string;
}

export interface RoleView {
  id: number;
  name: string;
  description: string;
  builtIn: boolean;
  permissions: string[];
}

function checkPermissions(permissions: string[]): void {
  const unknown = permissions.filter((p) => !isPermission(p));
  if (unknown.length > 0) {
    throw invalid('UNKNOWN_PERMISSION', `Unknown permission(s): ${unknown.join(', ')}.`, [
      { field: 'permissions', code: 'unknown', message: `Not a permission: ${unknown.join(', ')}` },
    ]);
  }
}

/**
 * Serialises changes that could remove the last administrator: the upsert takes a row lock on PostgreSQL
 * (SQLite writers are serialised anyway), so two admins demoting each other cannot both pass the check.
 */
async function lockUserAdministration(tx: Executor): Promise<void> {
  await settingsRepository.upsert(tx, 'lock.user_administration', '', nowIso());
}

/** The same role given twice is one role (and would break the user_roles primary key). */
const uniqueIds = (ids: readonly number[]): number[] => [...new Set(ids)];

/** Inserts a user; a taken username (the only unique column) becomes 409 USERNAME_TAKEN. */
export async function insertUser(
  tx: Executor,
  input: { username: string; displayName?: string | undefined; passwordHash: string },
): Promise<number> {
  try {
    return await usersRepository.insert(tx, {
      username: input.username,
      displayName: input.displayName ?? input.username,
      passwordHash: input.passwordHash,
      at: nowIso(),
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw conflict('USERNAME_TAKEN', `The username "${input.username}" is already taken. Choose another.`, [
        { field: 'username', code: 'taken', message: 'Already taken' },
      ]);
    }
    throw err;
  }
}

export function createUsersService(db: Db) {
  async function toViews(rows: Awaited<ReturnType<typeof usersRepository.list>>): Promise<UserView[]> {
    const roles = await usersRepository.roleIdsByUser(
      db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      active: r.active === 1,
      roleIds: roles.get(r.id) ?? [],
      createdAt: r.created_at,
    }));
  }

  async function checkRoleIds(roleIds: number[]): Promise<void> {
    const known = new Set((await rolesRepository.list(db)).map((r) => r.id));
    const missing = roleIds.filter((id) => !known.has(id));
    if (missing.length > 0) {
      throw invalid('UNKNOWN_ROLE', `Unknown role id(s): ${missing.join(', ')}.`, [
        { field: 'roleIds', code: 'unknown', message: `No role with id ${missing.join(', ')}` },
      ]);
    }
  }

  const service = {
    /** Built-in roles exist on every database; safe to run from several servers at once. */
    async ensureBuiltInRoles(): Promise<void> {
      for (const role of BUILT_IN_ROLES) {
        await db.transaction().execute(async (tx) => {
          await rolesRepository.insertIfMissing(tx, {
            name: role.name,
            description: role.description,
            builtIn: true,
            at: nowIso(),
          });
          const row = await rolesRepository.findByName(tx, role.name);
          if (row) await rolesRepository.addPermissions(tx, row.id, role.permissions);
        });
      }
    },

    async listUsers(): Promise<UserView[]> {
      return toViews(await usersRepository.list(db));
    },

    async getUser(id: number): Promise<UserView> {
      const row = await usersRepository.findById(db, id);
      if (!row) throw notFound('User', id);
      const [view] = await toViews([row]);
      return view!;
    },

    async createUser(input: {
      username: string;
      displayName?: string | undefined;
      password: string;
      roleIds: number[];
    }): Promise<UserView> {
      checkPassword(input.password);
      const roleIds = uniqueIds(input.roleIds);
      await checkRoleIds(roleIds);
      const passwordHash = await hashPassword(input.password);
      const id = await db.transaction().execute(async (tx) => {
        const userId = await insertUser(tx, { ...input, passwordHash });
        await usersRepository.setRoles(tx, userId, roleIds);
        return userId;
      });
      return service.getUser(id);
    },

    async updateUser(
      id: number,
      patch: {
        displayName?: string | undefined;
        password?: string | undefined;
        active?: boolean | undefined;
        roleIds?: number[] | undefined;
      },
      // A user changing their own password keeps the API tokens they made themselves.
      opts: { keepTokens?: boolean } = {},
    ): Promise<UserView> {
      if (patch.password !== undefined) {
        checkPassword(patch.password);
        const current = await usersRepository.findById(db, id);
        if (current && (await verifyPassword(patch.password, current.password_hash))) {
          const message = 'The new password is the same as the current one. Choose a different password.';
          throw invalid('SAME_PASSWORD', message, [{ field: 'password', code: 'same', message }]);
        }
      }
      const roleIds = patch.roleIds && uniqueIds(patch.roleIds);
      if (roleIds) await checkRoleIds(roleIds);
      const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;
      await db.transaction().execute(async (tx) => {
        await lockUserAdministration(tx);
        const user = await usersRepository.findById(tx, id);
        if (!user) throw notFound('User', id);
        await usersRepository.update(tx, id, {
          displayName: patch.displayName,
          passwordHash,
          active: patch.active,
          at: nowIso(),
        });
        if (roleIds) await usersRepository.setRoles(tx, id, roleIds);
        // A new password or a disabled account ends every way in: sessions end and API tokens are revoked
        // for good, so re-enabling the account later does not bring old tokens back.
        if (patch.active === false || patch.password !== undefined) {
          await authRepository.deleteSessionsOfUser(tx, id);
          if (!opts.keepTokens) await authRepository.revokeTokensOfUser(tx, id, nowIso());
        }
        if ((await usersRepository.countActiveAdmins(tx)) === 0) {
          throw conflict(
            'LAST_ADMINISTRATOR',
            'This change would leave no active user who can administer users. Give another user the Administrator role first.',
          );
        }
      });
      return service.getUser(id);
    },

    async listRoles(): Promise<RoleView[]> {
      const [roles, perms] = await Promise.all([
        rolesRepository.list(db),
        rolesRepository.permissionsByRole(db),
      ]);
      return roles.map((r) => ({
        id: r.id,
        name: r.name,
        description: r.description,
        builtIn: r.built_in === 1,
        permissions: perms.get(r.id) ?? [],
      }));
    },

    async getRole(id: number): Promise<RoleView> {
      const role = (await service.listRoles()).find((r) => r.id === id);
      if (!role) throw notFound('Role', id);
      return role;
    },

    async createRole(input: {
      name: string;
      description?: string | undefined;
      permissions: string[];
    }): Promise<RoleView> {
      checkPermissions(input.permissions);
      try {
        const id = await db.transaction().execute(async (tx) => {
          const roleId = await rolesRepository.insert(tx, {
            name: input.name,
            description: input.description ?? '',
            builtIn: false,
            at: nowIso(),
          });
          await rolesRepository.setPermissions(tx, roleId, [...new Set(input.permissions)]);
          return roleId;
        });
        return await service.getRole(id);
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw conflict('ROLE_NAME_TAKEN', `A role named "${input.name}" already exists.`, [
            { field: 'name', code: 'taken', message: 'Already taken' },
          ]);
        }
        throw err;
      }
    },

    async updateRole(
      id: number,
      patch: {
        name?: string | undefined;
        description?: string | undefined;
        permissions?: string[] | undefined;
      },
    ): Promise<RoleView> {
      if (patch.permissions) checkPermissions(patch.permissions);
      try {
        await db.transaction().execute(async (tx) => {
          await lockUserAdministration(tx);
          const role = await rolesRepository.findById(tx, id);
          if (!role) throw notFound('Role', id);
          if (role.built_in === 1) {
            throw conflict(
              'BUILT_IN_ROLE',
              `"${role.name}" is a built-in role and cannot be changed. Create a custom role instead.`,
            );
          }
          await rolesRepository.update(tx, id, { name: patch.name, description: patch.description });
          if (patch.permissions)
            await rolesRepository.setPermissions(tx, id, [...new Set(patch.permissions)]);
          if ((await usersRepository.countActiveAdmins(tx)) === 0) {
            throw conflict(
              'LAST_ADMINISTRATOR',
              'This change would leave no active user who can administer users.',
            );
          }
        });
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw conflict('ROLE_NAME_TAKEN', `A role named "${patch.name ?? ''}" already exists.`);
        }
        throw err;
      }
      return service.getRole(id);
    },

    async deleteRole(id: number): Promise<void> {
      await db.transaction().execute(async (tx) => {
        const role = await rolesRepository.findById(tx, id);
        if (!role) throw notFound('Role', id);
        if (role.built_in === 1) {
          throw conflict('BUILT_IN_ROLE', `"${role.name}" is a built-in role and cannot be deleted.`);
        }
        const users = await rolesRepository.countUsers(tx, id);
        if (users > 0) {
          throw conflict(
            'ROLE_IN_USE',
            `"${role.name}" is assigned to ${users} user(s). Remove it from them first.`,
          );
        }
        await rolesRepository.delete(tx, id);
      });
    },

    async roleIdByName(name: string): Promise<number> {
      const role = await rolesRepository.findByName(db, name);
      if (!role) throw new AppError('not_found', 'NOT_FOUND', `Role "${name}" was not found.`);
      return role.id;
    },
  };
  return service;
}

export type UsersService = ReturnType<typeof createUsersService>;
