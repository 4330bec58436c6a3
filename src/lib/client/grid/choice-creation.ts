// Lets a cell's select picker add a choice the user typed, where the page allows it (editors and
// owners on a sheet). The sheet provides the function through Svelte context, so the pickers
// need no new props through the grid, its editor overlay and the cell editor.
import { getContext, setContext } from 'svelte';
import { invalidate } from '$app/navigation';
import { apiRequest } from '$lib/components/fields/api';
import { fieldsUrl } from '$lib/components/fields/types';

/** Adds `name` to the field's choices (or finds it there); resolves to the choice's name. */
export type CreateChoice = (fieldKey: string, name: string) => Promise<string>;

const key = Symbol('choice-creation');

const provideChoiceCreation = (create: CreateChoice) => setContext(key, create);

export const choiceCreation = (): CreateChoice | undefined => getContext<CreateChoice>(key);

/**
 * Provides choice creation through a sheet's fields API (its space and type slugs, read when a
 * choice is added), then reloads the schema: the cell checks its value against the field's
 * choices, so it needs the new ones.
 */
export function provideSheetChoiceCreation(sheet: () => { space: string; type: string }): void {
	provideChoiceCreation(async (fieldKey, name) => {
		const { space, type } = sheet();
		const choice = await apiRequest<{ name: string }>(
			`${fieldsUrl(space, type)}/${encodeURIComponent(fieldKey)}/choices`,
			{ method: 'POST', body: { name } }
		);
		await invalidate('app:schema');
		return choice.name;
	});
}
