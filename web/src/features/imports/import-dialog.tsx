import { useState } from 'react';
import type { Item } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { ImportFlow } from './import-flow';

/** The Serials tab's Import action: the import flow for this item, in a dialog. */
export function ImportButton({ item }: { item: Item }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Import
      </button>
      {open && (
        <Dialog open onOpenChange={setOpen} title={`Import Serials — ${item.sku}`} wide>
          <ImportFlow itemId={item.id} onClose={() => setOpen(false)} />
        </Dialog>
      )}
    </>
  );
}
