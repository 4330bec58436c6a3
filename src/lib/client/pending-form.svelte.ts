// A form action submitted with progressive enhancement, and whether it is on its way: the
// auth pages' submit buttons say "Signing in…" meanwhile. The typed values stay in the form
// afterwards (`reset: false`), so a refusal shows next to what was typed.
import type { SubmitFunction } from '@sveltejs/kit';

export class PendingForm {
	isPending = $state(false);

	readonly enhance: SubmitFunction = () => {
		this.isPending = true;
		return async ({ update }) => {
			await update({ reset: false });
			this.isPending = false;
		};
	};
}
