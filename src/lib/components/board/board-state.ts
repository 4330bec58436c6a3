// The board as the page holds it: columns of cards, and the pure steps a drag or a keyboard
// move takes on them. The server has the last word (it re-sends the board after each change);
// these keep the page responsive until it does.
import type { CellValue } from '$lib/domain/attributes/kind';
import type { FieldDef } from '$lib/components/fields/types';

export type CardRecord = { id: string; type: string } & Record<string, CellValue>;

export interface BoardCard {
	id: string;
	position: number;
	record: CardRecord;
}

export interface BoardColumn {
	/** The choice, or null for the records without a value. */
	value: string | null;
	total: number;
	cards: BoardCard[];
}

export interface CardPlace {
	column: number;
	index: number;
}

export function locate(columns: BoardColumn[], id: string): CardPlace | null {
	for (const [column, each] of columns.entries()) {
		const index = each.cards.findIndex((card) => card.id === id);
		if (index !== -1) return { column, index };
	}
	return null;
}

/**
 * The columns with the card taken out and put into `to.column` at `to.index`, counted among
 * that column's other cards. Returns the same columns when the card is not on the board.
 */
export function withCardMoved(columns: BoardColumn[], id: string, to: CardPlace): BoardColumn[] {
	const from = locate(columns, id);
	if (!from) return columns;
	const card = columns[from.column]!.cards[from.index]!;
	const next = columns.map((column) => ({ ...column, cards: [...column.cards] }));
	next[from.column]!.cards.splice(from.index, 1);
	const target = next[to.column]!;
	target.cards.splice(Math.max(0, Math.min(to.index, target.cards.length)), 0, card);
	if (from.column !== to.column) {
		next[from.column]!.total = Math.max(0, next[from.column]!.total - 1);
		target.total += 1;
	}
	return next;
}

/** The cards around a card where it now is: what the move endpoint calls after and before. */
export function neighboursOf(
	columns: BoardColumn[],
	id: string
): { after?: string; before?: string } {
	const place = locate(columns, id);
	if (!place) return {};
	const cards = columns[place.column]!.cards;
	return { after: cards[place.index - 1]?.id, before: cards[place.index + 1]?.id };
}

/** Whether a drop at `to` leaves the card where it was. */
export function isSamePlace(columns: BoardColumn[], id: string, to: CardPlace): boolean {
	const from = locate(columns, id);
	return !!from && from.column === to.column && from.index === to.index;
}

/** The field a card is titled by: the first text field, else the first field. */
export function titleField(fields: FieldDef[]): FieldDef | undefined {
	return fields.find((field) => field.kind === 'text') ?? fields[0];
}

/**
 * The fields cards show unless the user picked others: the first person, the first date and
 * the other single selects, at most three.
 */
export function defaultCardFields(fields: FieldDef[], boardField: string | null): string[] {
	const title = titleField(fields)?.key;
	const candidates = [
		fields.find((field) => field.kind === 'user'),
		fields.find((field) => field.kind === 'date' || field.kind === 'datetime'),
		...fields.filter((field) => field.kind === 'single_select' && field.key !== boardField)
	];
	const keys = candidates
		.filter((field): field is FieldDef => !!field && field.key !== title)
		.map((field) => field.key);
	return [...new Set(keys)].slice(0, 3);
}
