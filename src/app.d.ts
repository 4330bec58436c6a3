// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Actor } from '$lib/server/auth/actor';

declare global {
	namespace App {
		interface Error {
			code?: string;
			field?: string;
		}
		interface Locals {
			/** Who is making the request: a signed-in user or an API token; null when anonymous. */
			actor: Actor | null;
		}
	}
}

export {};
