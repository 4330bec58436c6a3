// The schema as the field editor and the board receive it from the space layout.
import type { Attribute, CheckinAccess, EntityType, SpaceAccess } from '$lib/domain/schema';

export type { CheckinAccess };

/** An attribute as the field editor and the board use it (all of it but its type's id). */
export type FieldDef = Omit<Attribute, 'entityTypeId'>;

export type TypeDef = Pick<EntityType, 'id' | 'key' | 'name'> & { attributes: FieldDef[] };

export type SpaceRef = Pick<SpaceAccess, 'slug' | 'name' | 'role'>;

/** A space's sheets (record types), or one sheet when `type` is given. */
export const typesUrl = (space: string, type?: string) =>
	`/api/spaces/${encodeURIComponent(space)}/types${type === undefined ? '' : `/${encodeURIComponent(type)}`}`;

/** The base URL of a type's schema endpoints. */
export const fieldsUrl = (space: string, type: string) => `${typesUrl(space, type)}/fields`;
