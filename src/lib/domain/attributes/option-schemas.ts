// Pieces of the kinds' option schemas whose messages a person reads in the field editor.
import { z } from 'zod';

export const wholeNumber = (label: string, min: number, max: number) => {
	const message = `${label} must be a whole number from ${min} to ${max}`;
	return z.number({ error: message }).int(message).min(min, message).max(max, message);
};

export const noOptions = z.object({});
export type NoOptions = z.output<typeof noOptions>;
