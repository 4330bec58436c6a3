// A space's data model as the server reads it and the browser receives it (the space layout
// hands every page `{ space, types }`). One declaration per concept: a narrower shape for a
// component or a wire format derives from these with Pick/Omit, so a new column is added once.
import type { SpaceLocale } from './locale';
import type { AttributeKindName } from './attributes/kind';
import type { Role } from './roles';

/** What a member with the `checkin` role may do with an attribute. */
export type CheckinAccess = 'none' | 'read' | 'write';

/** An attribute (a "field" in the UI and the API) of an entity type. */
export interface Attribute {
	id: string;
	entityTypeId: string;
	key: string;
	name: string;
	kind: AttributeKindName;
	options: Record<string, unknown>;
	position: number;
	isRequired: boolean;
	isUnique: boolean;
	checkinAccess: CheckinAccess;
}

/** An entity type (a "sheet" in the UI, a "type" in the API) with its attributes in order. */
export interface EntityType {
	id: string;
	spaceId: string;
	key: string;
	name: string;
	position: number;
	attributes: Attribute[];
}

/** A space with the caller's effective role in it: what every space-scoped read starts from. */
export interface SpaceAccess extends SpaceLocale {
	id: string;
	slug: string;
	name: string;
	role: Role;
	/** Bumped with every schema change, in its transaction: the schema cache keys on it. */
	schemaVersion: number;
}

/** A space in the caller's list of spaces. */
export type SpaceSummary = Omit<SpaceAccess, 'schemaVersion' | keyof SpaceLocale>;

/** A member of a space: a user with a role in it. */
export interface Member {
	userId: string;
	name: string;
	email: string;
	image: string | null;
	role: Role;
	joinedAt: Date;
}

/** A member as pickers, user cells and mentions need them. */
export type MemberIdentity = Pick<Member, 'userId' | 'name' | 'email'>;

/** An open invitation to join a space. */
export interface Invitation {
	id: string;
	email: string;
	role: Role;
	createdAt: Date;
}
