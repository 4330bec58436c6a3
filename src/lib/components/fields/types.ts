// The schema as the field editor and the board receive it from the space layout.
import type { AttributeKindName } from '$lib/domain/attributes/kind';
import type { Role } from '$lib/domain/roles';

export type CheckinAccess = 'none' | 'read' | 'write';

export interface FieldDef {
	id: string;
	key: string;
	name: string;
	kind: AttributeKindName;
	options: Record<string, unknown>;
	position: number;
	isRequired: boolean;
	isUnique: boolean;
	checkinAccess: CheckinAccess;
}

export interface TypeDef {
	id: string;
	key: string;
	name: string;
	attributes: FieldDef[];
}

export interface SpaceRef {
	slug: string;
	name: string;
	role: Role;
}

/** A space's sheets (record types), or one sheet when `type` is given. */
export const typesUrl = (space: string, type?: string) =>
	`/api/spaces/${encodeURIComponent(space)}/types${type === undefined ? '' : `/${encodeURIComponent(type)}`}`;

/** The base URL of a type's schema endpoints. */
export const fieldsUrl = (space: string, type: string) => `${typesUrl(space, type)}/fields`;
