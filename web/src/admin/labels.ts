import type { AccessLevel, ContactType, CustomerPermissions, UserStatus, UserView } from '../api/client';

/** The guide's Table 5-2, in its order. */
export const ACCESS_LEVELS: readonly AccessLevel[] = ['readWrite', 'read', 'noAccess'];

export const ACCESS_LEVEL_LABELS: Record<AccessLevel, string> = {
  readWrite: 'Read/Write',
  read: 'Read',
  noAccess: 'No access',
};

export const ACCESS_LEVEL_HINTS: Record<AccessLevel, string> = {
  readWrite: 'Full access to create and manage customer accounts, and to manage them in their console.',
  read: 'View customer information only.',
  noAccess: 'No access to customer information: the customer is hidden.',
};

export const USER_STATUS_LABELS: Record<UserStatus, string> = {
  invited: 'Invited',
  active: 'Active',
  disabled: 'Disabled',
};

export const CONTACT_TYPE_LABELS: Record<ContactType, string> = {
  email: 'Email',
  sms: 'SMS',
};

export const BUILT_IN_ROLE_IDS = ['partnerAdministrator', 'administrator'] as const;

/** Whether a role is the Partner Administrator or the Administrator, which alone change some settings (report branding). */
export function isBuiltInRole(role: string): boolean {
  return (BUILT_IN_ROLE_IDS as readonly string[]).includes(role);
}

export function fullName(user: Pick<UserView, 'firstName' | 'lastName'>): string {
  return `${user.firstName} ${user.lastName}`.trim();
}

/** Which permissions the guide disables, given the level that has "All customers". */
export function disabledPermissions(all: AccessLevel | null | undefined): Record<keyof CustomerPermissions, boolean> {
  return {
    addCustomers: all === 'noAccess',
    importCustomers: all === 'noAccess',
    removeCustomers: all === 'noAccess' || all === 'read',
    // Not about customers: no access level disables it.
    supportTickets: false,
  };
}

/** Why a permission is disabled, in the guide's words. */
export function disabledReason(all: AccessLevel | null | undefined): string | undefined {
  if (all === 'noAccess') return 'Not available while All customers has No access.';
  if (all === 'read') return 'Not available while All customers has Read access.';
  return undefined;
}
