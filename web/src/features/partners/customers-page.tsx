import { PartnersPage } from './partners-page';

// No API lists the serials (or sales) of one customer yet, so the page shows the customer only.
export function CustomersPage() {
  return <PartnersPage kind="customers" />;
}
