// The small icon in each column header that says what kind of field it is.
import {
	AtSign,
	Calendar,
	CalendarClock,
	CircleDot,
	Clock,
	ClockArrowUp,
	Coins,
	Hash,
	Link,
	Link2,
	ListOrdered,
	Paperclip,
	Percent,
	Phone,
	SquareCheck,
	Star,
	Tags,
	TextAlignStart,
	Type,
	User,
	UserPen,
	UserPlus
} from '@lucide/svelte';
import type { Component } from 'svelte';
import type { AttributeKindName } from '$lib/domain/attributes/kind';

export const kindIcons: Record<AttributeKindName, Component> = {
	text: Type,
	long_text: TextAlignStart,
	number: Hash,
	currency: Coins,
	percent: Percent,
	date: Calendar,
	datetime: CalendarClock,
	checkbox: SquareCheck,
	single_select: CircleDot,
	multi_select: Tags,
	email: AtSign,
	phone: Phone,
	url: Link,
	user: User,
	relation: Link2,
	attachment: Paperclip,
	rating: Star,
	auto_number: ListOrdered,
	created_at: Clock,
	created_by: UserPlus,
	updated_at: ClockArrowUp,
	updated_by: UserPen
};
