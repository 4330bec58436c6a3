// Every kind by name, and reading a field's options through its kind's schema.
import type { z } from 'zod';
import { AppError, AppErrorCode } from '../errors';
import { attachmentKind } from './attachment.attribute';
import { autoNumberKind } from './auto-number.attribute';
import { checkboxKind } from './checkbox.attribute';
import { createdAtKind } from './created-at.attribute';
import { createdByKind } from './created-by.attribute';
import { currencyKind } from './currency.attribute';
import { dateKind } from './date.attribute';
import { datetimeKind } from './datetime.attribute';
import { emailKind } from './email.attribute';
import {
	fail,
	isAttributeKindName,
	ok,
	type AttributeKind,
	type AttributeKindName,
	type KindResult
} from './kind';
import { longTextKind } from './long-text.attribute';
import { multiSelectKind } from './multi-select.attribute';
import { numberKind } from './number.attribute';
import { percentKind } from './percent.attribute';
import { phoneKind } from './phone.attribute';
import { ratingKind } from './rating.attribute';
import { relationKind } from './relation.attribute';
import { singleSelectKind } from './single-select.attribute';
import { textKind } from './text.attribute';
import { updatedAtKind } from './updated-at.attribute';
import { updatedByKind } from './updated-by.attribute';
import { urlKind } from './url.attribute';
import { userKind } from './user.attribute';

// A field's kind is known only at run time, so nothing ties its options and values to one
// kind's types; callers pass options that this same kind's schema produced.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAttributeKind = AttributeKind<any, any>;

const registry = {
	text: textKind,
	long_text: longTextKind,
	number: numberKind,
	currency: currencyKind,
	percent: percentKind,
	date: dateKind,
	datetime: datetimeKind,
	checkbox: checkboxKind,
	single_select: singleSelectKind,
	multi_select: multiSelectKind,
	email: emailKind,
	phone: phoneKind,
	url: urlKind,
	user: userKind,
	relation: relationKind,
	attachment: attachmentKind,
	rating: ratingKind,
	auto_number: autoNumberKind,
	created_at: createdAtKind,
	created_by: createdByKind,
	updated_at: updatedAtKind,
	updated_by: updatedByKind
} satisfies Record<AttributeKindName, AnyAttributeKind>;

export const kinds: Record<AttributeKindName, AnyAttributeKind> = registry;

/** The options type of one kind, for callers that know the kind statically. */
export type KindOptions<K extends AttributeKindName> = z.output<
	(typeof registry)[K]['optionsSchema']
>;

/** The kind for a name read from storage or a request; an unknown name is a bad request. */
export function kindOf(name: string): AnyAttributeKind {
	if (!isAttributeKindName(name)) {
		throw new AppError(AppErrorCode.InvalidInput, `Unknown field type "${name}"`);
	}
	return kinds[name];
}

/** Reads a field's options, filling defaults; missing options mean all defaults. */
export function parseOptions<K extends AttributeKindName>(
	kind: K,
	rawOptions: unknown
): KindResult<KindOptions<K>> {
	const raw = rawOptions ?? {};
	if (typeof raw !== 'object' || Array.isArray(raw)) {
		return fail('Field settings must be an object');
	}
	const parsed = kinds[kind].optionsSchema.safeParse(raw);
	if (parsed.success) return ok(parsed.data as KindOptions<K>);
	const messages = new Set(parsed.error.issues.map((issue) => issue.message));
	return fail([...messages].join('; '));
}
