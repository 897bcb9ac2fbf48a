import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Navigate, Route, Routes } from 'react-router-dom';
import { ApiError, get, setCsrfToken, setUnauthenticatedHandler } from './api/client';
import type { Session } from './api/types';
import { SessionProvider } from './features/auth/session';
import { LoginPage, SetupPage } from './features/auth/auth-pages';
import { Shell } from './components/shell';
import { ItemsPage } from './features/items/items-page';
import { ItemPage } from './features/items/item-page';
import { LocationsPage, PartTypesPage } from './features/admin/catalog-pages';
import { TokensSection, UsersPage } from './features/admin/users-page';
import { TransfersPage } from './features/transfers/transfers-page';
import { SerialRedirect } from './features/lookup/serial-redirect';
import { PurchaseOrdersPage } from './features/purchasing/purchase-orders-page';
import { PurchaseOrderPage } from './features/purchasing/purchase-order-page';
import { SalesPage } from './features/sales/sales-page';
import { SalePage } from './features/sales/sale-page';
import { SuppliersPage } from './features/partners/suppliers-page';
import { CustomersPage } from './features/partners/customers-page';
import { LabelSettingsPage } from './features/labels/label-settings-page';
import { SettingsPage } from './features/admin/settings-page';
import { AccountPage } from './features/admin/account-page';
import { DocumentRedirect } from './features/lookup/document-redirect';
import { ImportPage, ImportsPage } from './features/imports/imports-page';
import { CountsPage } from './features/counts/counts-page';
import { CountPage } from './features/counts/count-page';

export function App() {
  const queryClient = useQueryClient();
  const [expired, setExpired] = useState(false);
  const setup = useQuery({ queryKey: ['setup'], queryFn: () => get<{ setupNeeded: boolean }>('/api/setup') });
  const session = useQuery({
    queryKey: ['session'],
    enabled: setup.data?.setupNeeded === false,
    queryFn: async () => {
      try {
        return await get<Session>('/api/auth/session');
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
  });

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      // Only a session we had can expire: a 401 on a first visit or after Sign out means plainly signed out.
      if (!queryClient.getQueryData<Session | null>(['session'])) return;
      setExpired(true);
      queryClient.setQueryData(['session'], null);
    });
  }, [queryClient]);
  useEffect(() => setCsrfToken(session.data?.csrfToken ?? null), [session.data]);

  if (setup.isPending || (setup.data?.setupNeeded === false && session.isPending)) {
    return <p className="loading">Loading…</p>;
  }
  if (setup.isError) return <p className="error-text">The server cannot be reached: {setup.error.message}</p>;
  if (setup.data?.setupNeeded) return <SetupPage />;
  if (!session.data) {
    return (
      <LoginPage
        notice={expired ? 'Your session has expired. Sign in again.' : undefined}
        onSignedIn={() => setExpired(false)}
      />
    );
  }
  return (
    <SessionProvider session={session.data}>
      <Shell>
        <Routes>
          <Route path="/" element={<Navigate to="/items" replace />} />
          <Route path="/items" element={<ItemsPage />} />
          <Route path="/items/new" element={<ItemPage />} />
          <Route path="/items/:id" element={<ItemPage />} />
          <Route path="/serials/:id" element={<SerialRedirect />} />
          <Route path="/transfers" element={<TransfersPage />} />
          <Route path="/purchase-orders" element={<PurchaseOrdersPage />} />
          <Route path="/purchase-orders/:id" element={<PurchaseOrderPage />} />
          <Route path="/sales" element={<SalesPage />} />
          <Route path="/sales/:id" element={<SalePage />} />
          <Route path="/suppliers" element={<SuppliersPage />} />
          <Route path="/customers" element={<CustomersPage />} />
          <Route path="/documents/:type/:number" element={<DocumentRedirect />} />
          <Route path="/counts" element={<CountsPage />} />
          <Route path="/counts/:id" element={<CountPage />} />
          <Route path="/imports" element={<ImportsPage />} />
          <Route path="/imports/:id" element={<ImportPage />} />
          <Route path="/locations" element={<LocationsPage />} />
          <Route path="/part-types" element={<PartTypesPage />} />
          <Route path="/users" element={<UsersPage />} />
          <Route path="/tokens" element={<TokensSection />} />
          <Route path="/account" element={<AccountPage />} />
          <Route path="/settings" element={<SettingsPage />} />
          <Route path="/settings/labels" element={<LabelSettingsPage />} />
          <Route path="*" element={<p>Page not found.</p>} />
        </Routes>
      </Shell>
    </SessionProvider>
  );
}
