// How roles read in the interface.
import type { Role } from '$lib/domain/roles';

export const roleLabels: Record<Role, string> = {
	owner: 'Owner',
	editor: 'Editor',
	viewer: 'Viewer',
	checkin: 'Check-in'
};

export const roleTones = {
	owner: 'indigo',
	editor: 'green',
	viewer: 'neutral',
	checkin: 'amber'
} as const satisfies Record<Role, string>;

export const roleHints: Record<Role, string> = {
	owner: 'Everything, including members',
	editor: 'Edit records and fields',
	viewer: 'Read only',
	checkin: 'Check guests in at the door'
};

/** The roles as select items, most rights first. */
export const roleItems = (['owner', 'editor', 'viewer', 'checkin'] as const).map((role) => ({
	value: role,
	label: roleLabels[role]
}));
