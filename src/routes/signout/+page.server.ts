import { signOut } from '$lib/server/auth/auth';
import type { Actions } from './$types';

export const actions: Actions = {
	// Clears the session cookie and redirects to /signin.
	default: (event) => signOut(event)
};
