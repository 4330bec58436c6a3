// Space roles and what each may do. The database policies enforce the same rules; this copy
// lets services refuse early with a clear message (the policy is the second wall).

export const roles = ['owner', 'editor', 'viewer', 'checkin'] as const;
export type Role = (typeof roles)[number];

export const canWriteRecords = (role: Role) => role === 'owner' || role === 'editor';
export const canManageSchema = (role: Role) => role === 'owner' || role === 'editor';
export const canManageMembers = (role: Role) => role === 'owner';
export const canReadAll = (role: Role) => role !== 'checkin';

const rank: Record<Role, number> = { checkin: 0, viewer: 1, editor: 2, owner: 3 };
/** A token may carry at most its creator's role. */
export const isAtMost = (role: Role, ceiling: Role) => rank[role] <= rank[ceiling];
