// The frame of every signed-in page: who is signed in and the spaces they belong to (for the
// space switcher), whether their address still needs confirming (the banner), and their unread
// notifications (the inbox bell, kept live by the signal stream from then on). `app:spaces` is
// invalidated after a space is created or membership changes.
import { SIDEBAR_COOKIE } from '$lib/cookies';
import { emailVerification } from '$lib/server/auth/account-mail';
import { context } from '$lib/server/context';
import { requireActor } from '$lib/server/http';
import { unreadCount } from '$lib/server/services/notifications';
import { listSpaces } from '$lib/server/services/spaces';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, depends, cookies }) => {
	depends('app:spaces');
	const actor = requireActor(locals);
	const [spaces, session, verification, unread] = await Promise.all([
		listSpaces({ context: context(), actor }),
		locals.auth(),
		emailVerification({ context: context(), actor }),
		unreadCount({ context: context(), actor })
	]);
	const email = session?.user?.email ?? '';
	return {
		spaces,
		user: { id: actor.userId, name: session?.user?.name || email || 'Signed in', email },
		isEmailVerified: verification.isVerified,
		unread,
		isSidebarCollapsed: cookies.get(SIDEBAR_COOKIE) === 'collapsed'
	};
};
