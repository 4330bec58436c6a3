// The board's two writes: move a card (the server places it between its new neighbours) and
// create a card through the sheet's REST endpoint.
import { apiRequest } from '$lib/components/fields/api';
import type { CardRecord } from './board-state';

const typePath = (space: string, type: string) =>
	`/api/spaces/${encodeURIComponent(space)}/types/${encodeURIComponent(type)}`;

export interface MoveInput {
	field: string;
	status: string | null;
	after?: string;
	before?: string;
}

export const boardApi = {
	move: (space: string, type: string, id: string, body: MoveInput) =>
		apiRequest(`${typePath(space, type)}/records/${id}/move`, { method: 'POST', body }),
	create: (space: string, type: string, values: Record<string, unknown>) =>
		apiRequest<CardRecord[]>(
			`/api/spaces/${encodeURIComponent(space)}/rest/${encodeURIComponent(type)}`,
			{ method: 'POST', body: values, headers: { prefer: 'return=representation' } }
		)
};
