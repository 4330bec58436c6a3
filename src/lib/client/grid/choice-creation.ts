// Lets a cell's select picker add a choice the user typed, where the page allows it (editors and
// owners on a sheet). The sheet provides the function through Svelte context, so the pickers
// need no new props through the grid, its editor overlay and the cell editor.
import { getContext, setContext } from 'svelte';

/** Adds `name` to the field's choices (or finds it there); resolves to the choice's name. */
export type CreateChoice = (fieldKey: string, name: string) => Promise<string>;

const key = Symbol('choice-creation');

export const provideChoiceCreation = (create: CreateChoice) => setContext(key, create);

export const choiceCreation = (): CreateChoice | undefined => getContext<CreateChoice>(key);
