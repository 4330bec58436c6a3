// The schema of a space as the caller may see it: for the OpenAPI document and the UI.
import type { Actor } from '../auth/actor';
import type { AppContext } from '../context';
import { inSpace } from './scope';

export function readSchema(options: { context: AppContext; actor: Actor; space: string }) {
	return inSpace(options.context, options.actor, options.space, async ({ space, types }) => ({
		space,
		types
	}));
}
