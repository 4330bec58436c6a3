// Shapes the view bar takes from its page. The space layout's `EntityType` fits `ViewType`.
import type { ViewField } from '$lib/domain/view-config';
import type { EntityType, MemberIdentity } from '$lib/domain/schema';

export type ViewType = Pick<EntityType, 'key' | 'name'> & { attributes: ViewField[] };

/** A member of the space, for filters on user fields (`GET /api/spaces/<space>/members`). */
export type ViewMember = MemberIdentity;

export type ViewTool = 'search' | 'filter' | 'sort' | 'group' | 'fields';
