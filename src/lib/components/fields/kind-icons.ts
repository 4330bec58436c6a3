// The icon and label of each attribute kind, for the field editor and anywhere a field is
// named next to its kind (board card pickers, column headers).
import {
	AtSign,
	CalendarClock,
	CalendarDays,
	CalendarPlus,
	CircleChevronDown,
	Coins,
	Hash,
	History,
	Link,
	Link2,
	ListChecks,
	ListOrdered,
	Paperclip,
	Percent,
	Phone,
	SquareCheck,
	Star,
	Text,
	Type,
	User,
	UserPen,
	UserPlus
} from '@lucide/svelte';
import type { Component } from 'svelte';
import { kindViews } from '$lib/components/kinds/registry';
import { kinds } from '$lib/domain/attributes';
import type { AttributeKindName } from '$lib/domain/attributes/kind';

export const kindIcons: Record<AttributeKindName, Component> = {
	text: Type,
	long_text: Text,
	number: Hash,
	currency: Coins,
	percent: Percent,
	date: CalendarDays,
	datetime: CalendarClock,
	checkbox: SquareCheck,
	single_select: CircleChevronDown,
	multi_select: ListChecks,
	email: AtSign,
	phone: Phone,
	url: Link,
	user: User,
	relation: Link2,
	attachment: Paperclip,
	rating: Star,
	auto_number: ListOrdered,
	created_at: CalendarPlus,
	created_by: UserPlus,
	updated_at: History,
	updated_by: UserPen
};

export const kindLabel = (kind: AttributeKindName) => kinds[kind].label;

/** Kinds in the order the pickers offer them: everyday kinds first, computed ones last. */
export const kindOrder: AttributeKindName[] = [
	'text',
	'long_text',
	'number',
	'currency',
	'percent',
	'rating',
	'single_select',
	'multi_select',
	'checkbox',
	'date',
	'datetime',
	'user',
	'email',
	'phone',
	'url',
	'relation',
	'attachment',
	'auto_number',
	'created_at',
	'created_by',
	'updated_at',
	'updated_by'
];

/** Kinds whose values the server computes: they can be added, never converted to. */
export const isComputedKind = (kind: AttributeKindName) => kinds[kind].storage === null;

/** What an existing field may become: stored kinds, not links (added and removed instead). */
export const canConvertTo = (kind: AttributeKindName) =>
	!isComputedKind(kind) && kindViews[kind].isConvertible;
