// Liveness and database reachability, for load balancers and docker-compose health checks.
import { json } from '@sveltejs/kit';
import { context } from '$lib/server/context';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => {
	try {
		await context().db.runtime.query('select 1');
		return json({ ok: true });
	} catch (error) {
		console.error('Health check: the database is unreachable', error);
		return json({ ok: false }, { status: 503 });
	}
};
