// Who may do what with duplicates, checked before the policies (the second wall) refuse it:
// editors and owners review, owners change the rules, viewers and check-in see nothing.
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { canWriteRecords, type Role } from '$lib/domain/roles';

export const canReviewDuplicates = (role: Role) => canWriteRecords(role);
export const canEditMatchRules = (role: Role) => role === 'owner';

export function requireReviewer(role: Role): void {
	if (!canReviewDuplicates(role)) {
		throw new AppError(
			AppErrorCode.Forbidden,
			`Your role (${role}) may not see duplicates; editors and owners review them`
		);
	}
}

export function requireRulesOwner(role: Role): void {
	if (!canEditMatchRules(role)) {
		throw new AppError(AppErrorCode.Forbidden, `Only owners change match rules (you are ${role})`);
	}
}
