// An email address as accounts and invitations take it: trimmed, lower-cased, checked.
import { z } from 'zod';

export const emailSchema = z
	.string({ error: 'is required' })
	.trim()
	.toLowerCase()
	.min(1, 'is required')
	.max(320, 'must be at most 320 characters')
	.pipe(z.email('must be an email address'));
