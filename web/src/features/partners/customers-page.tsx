import { CustomerSerials } from './customer-serials';
import { PartnersPage } from './partners-page';

export function CustomersPage() {
  return <PartnersPage kind="customers" related={(c) => <CustomerSerials key={c.id} customer={c} />} />;
}
