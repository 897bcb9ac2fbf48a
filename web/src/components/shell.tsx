import { useEffect, useId, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { NavLink, useLocation } from 'react-router-dom';
import { post, setCsrfToken } from '../api/client';
import { replaceSession, useCan, useSession } from '../features/auth/session';
import { LookupBox } from '../features/lookup/lookup-box';

export function Shell({ children }: { children: ReactNode }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const canAdminUsers = useCan('USERS_ADMIN');
  const canImport = useCan('INV_MANAGE_SERIALS');
  const canAdminSettings = useCan('SETTINGS_ADMIN');
  // On a phone the navigation folds behind Menu; it folds again once a page is chosen.
  const [menuOpen, setMenuOpen] = useState(false);
  const menuId = useId();
  const location = useLocation();
  useEffect(() => setMenuOpen(false), [location]);

  // Drop the session before the server ends it: a poll answered 401 meanwhile then finds no session to call
  // expired. The logout request reads the CSRF token as it starts, so clearing the token afterwards is safe.
  const signOut = () => {
    replaceSession(queryClient, null);
    void post('/api/auth/logout').catch(() => undefined);
    setCsrfToken(null);
  };

  return (
    <div className="shell">
      <header className={menuOpen ? 'topbar menu-open' : 'topbar'}>
        <span className="brand">Serialtrack</span>
        <button
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls={menuId}
          onClick={() => setMenuOpen((o) => !o)}
        >
          Menu
        </button>
        <nav id={menuId} aria-label="Main">
          <NavLink to="/items">Items</NavLink>
          <NavLink to="/purchase-orders">Purchase orders</NavLink>
          <NavLink to="/sales">Sales</NavLink>
          <NavLink to="/suppliers">Suppliers</NavLink>
          <NavLink to="/customers">Customers</NavLink>
          <NavLink to="/transfers">Transfers</NavLink>
          <NavLink to="/counts">Counts</NavLink>
          {canImport && <NavLink to="/imports">Import</NavLink>}
          <NavLink to="/locations">Locations</NavLink>
          <NavLink to="/part-types">Part types</NavLink>
          {canAdminUsers && <NavLink to="/users">Users</NavLink>}
          <NavLink to="/tokens">API tokens</NavLink>
          <NavLink to="/settings/labels">Labels</NavLink>
          {canAdminSettings && (
            <NavLink to="/settings" end>
              Settings
            </NavLink>
          )}
        </nav>
        <LookupBox />
        <span className="user">
          <NavLink to="/account" title="Your account: change your password">
            {session.user.displayName}
          </NavLink>
          <button type="button" className="link-button" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main className="content">{children}</main>
    </div>
  );
}
