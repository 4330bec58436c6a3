// Every link the frame draws into a space, in one place.
import { resolve } from '$app/paths';

export const spacePaths = {
	home: (space: string) => resolve('/(app)/s/[space]', { space }),
	grid: (space: string, type: string) => resolve('/(app)/s/[space]/t/[type]', { space, type }),
	board: (space: string, type: string) =>
		resolve('/(app)/s/[space]/t/[type]/board', { space, type }),
	fields: (space: string, type: string) =>
		resolve('/(app)/s/[space]/t/[type]/fields', { space, type }),
	import: (space: string, type: string) =>
		resolve('/(app)/s/[space]/t/[type]/import', { space, type }),
	duplicates: (space: string, type: string) =>
		resolve('/(app)/s/[space]/t/[type]/duplicates', { space, type }),
	matchRules: (space: string, type: string) =>
		resolve('/(app)/s/[space]/t/[type]/duplicates/rules', { space, type }),
	/** The merge service's side-by-side page (the other half of issue 10) for these records. */
	merge: (space: string, type: string, ids: string[]) =>
		`${resolve('/(app)/s/[space]/t/[type]', { space, type })}/merge?ids=${ids.map(encodeURIComponent).join(',')}`,
	members: (space: string) => resolve('/(app)/s/[space]/members', { space }),
	tokens: (space: string) => resolve('/(app)/s/[space]/tokens', { space }),
	webhooks: (space: string) => resolve('/(app)/s/[space]/webhooks', { space }),
	checkin: (space: string) => resolve('/checkin/[space]', { space })
};
