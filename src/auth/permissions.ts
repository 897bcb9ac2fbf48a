export const PERMISSIONS = {
  INV_VIEW: 'See items, locations, serials, history and documents',
  INV_EDIT_ITEMS: 'Create and edit items, locations and part types',
  INV_MANAGE_SERIALS: 'Turn Track Serials on or off; add, import, edit serials',
  INV_TRANSFER: 'Transfer serials between locations',
  INV_ADJUST_STOCK: 'Adjust quantity on hand with a reason',
  INV_COUNT: 'Start stock counts and scan serials into them (reconciling needs INV_MANAGE_SERIALS)',
  PARTNERS_MANAGE: 'Create and edit suppliers and customers',
  PO_MANAGE: 'Create, open and close purchase orders',
  PO_RECEIVE: 'Receive purchase orders (creates stock and serials)',
  SALES_MANAGE: 'Create, complete and cancel sales',
  RETURNS_MANAGE: 'Take customer returns',
  USERS_ADMIN:
    'Manage users, roles and the API tokens of others; it can grant any permission, this one included, so give it only to administrators',
  SETTINGS_ADMIN: 'Change system settings',
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

export interface BuiltInRole {
  name: string;
  description: string;
  permissions: Permission[];
}

export const BUILT_IN_ROLES: BuiltInRole[] = [
  { name: 'Administrator', description: 'Everything', permissions: ALL_PERMISSIONS },
  {
    name: 'Inventory manager',
    description: 'Items, serial tracking, transfers and stock adjustments',
    permissions: [
      'INV_VIEW',
      'INV_EDIT_ITEMS',
      'INV_MANAGE_SERIALS',
      'INV_TRANSFER',
      'INV_ADJUST_STOCK',
      'INV_COUNT',
      'PARTNERS_MANAGE',
      'PO_MANAGE',
      'PO_RECEIVE',
      'SALES_MANAGE',
      'RETURNS_MANAGE',
    ],
  },
  {
    name: 'Clerk',
    description: 'Counter and warehouse work',
    permissions: [
      'INV_VIEW',
      'INV_TRANSFER',
      'INV_COUNT',
      'PARTNERS_MANAGE',
      'PO_RECEIVE',
      'SALES_MANAGE',
      'RETURNS_MANAGE',
    ],
  },
  { name: 'Viewer', description: 'Read only', permissions: ['INV_VIEW'] },
];
