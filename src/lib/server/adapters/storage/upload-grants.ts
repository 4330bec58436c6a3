// Single-use upload links: the first upload through a link claims its grant, and every later
// PUT with the same link is refused. Postgres holds the claims (0011_upload_grants), so this
// holds across app processes and in every deployment (embedded or not, with or without Redis).
import type pg from 'pg';

export interface UploadGrants {
	/** Claims `grant` for one upload: true the first time, false when it was claimed before. */
	claim(grant: string, expiresAt: Date): Promise<boolean>;
	/** Gives back the claim of an upload that failed, so the same link can be retried. */
	release(grant: string): Promise<void>;
}

export function createPostgresUploadGrants(pool: pg.Pool): UploadGrants {
	return {
		async claim(grant, expiresAt) {
			const { rows } = await pool.query<{ claimed: boolean }>(
				'select app_claim_upload_grant($1, $2) as claimed',
				[grant, expiresAt]
			);
			return rows[0]!.claimed;
		},
		async release(grant) {
			await pool.query('select app_release_upload_grant($1)', [grant]);
		}
	};
}
