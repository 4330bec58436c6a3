// Shapes the view bar takes from its page. The space layout's `EntityTypeDef` fits `ViewType`.
import type { ViewField } from '$lib/domain/view-config';

export interface ViewType {
	key: string;
	name: string;
	attributes: ViewField[];
}

/** A member of the space, for filters on user fields (`GET /api/spaces/<space>/members`). */
export interface ViewMember {
	userId: string;
	name: string;
	email: string;
}

export type ViewTool = 'search' | 'filter' | 'sort' | 'group' | 'fields';
