// Input validation at the service boundary: zod issues become one AppError naming the field.
import type { z } from 'zod';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { refuseUnstorableText } from '$lib/domain/text';

export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
	// Form actions and sockets reach services without readJson: the same check, once more here.
	refuseUnstorableText(input);
	const result = schema.safeParse(input);
	if (result.success) return result.data;
	const issue = result.error.issues[0]!;
	const field = issue.path.join('.') || 'body';
	throw new AppError(AppErrorCode.InvalidInput, `${field}: ${issue.message}`, {
		field,
		details: result.error.issues.map((each) => ({
			field: each.path.join('.'),
			message: each.message
		}))
	});
}
