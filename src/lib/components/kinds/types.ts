// What each attribute kind gives the UI (see registry.ts): the props every kind's components
// take, so a surface renders any kind through one tag and never asks which kind it holds.
import type { Component } from 'svelte';
import type * as Y from 'yjs';
import type { EntityTypeInfo, GridField, MemberInfo } from '$lib/client/grid/fields';
import type { RelationTitles } from '$lib/client/grid/relation-titles.svelte';
import type { CellValue } from '$lib/domain/attributes/kind';
import type { FieldDef } from '$lib/components/fields/types';
import type { Move } from '$lib/components/grid/editor-keys';

/** A value in a grid cell. Display only; checkbox and rating toggle and rate on click. */
export interface CellProps {
	field: GridField;
	value: CellValue;
	space: string;
	members: Map<string, MemberInfo>;
	titles: RelationTitles;
	canEdit: boolean;
	onToggle?: () => void;
	onRate?: (stars: number) => void;
}

/** A non-empty value on a board card. `members` maps user id to name. */
export interface CardProps {
	field: FieldDef;
	value: CellValue;
	members: Map<string, string>;
}

/** A non-empty value on the record page, read-only. */
export interface DisplayProps {
	field: GridField;
	value: CellValue;
	members: MemberInfo[];
	titles: RelationTitles;
	space: string;
	types: EntityTypeInfo[];
	/** Opens a linked record in place (a drawer); plain links navigate without it. */
	onOpenRecord?: (typeKey: string, id: string) => void;
}

/**
 * What a record-page input does with an edit. Every edit is checked with the kind's own
 * parse/validate before it reaches the record's Y.Doc.
 */
export interface FieldEditing {
	/** Parses typed text; false (and an error on the field) when the kind refuses it. */
	commitText(text: string): boolean;
	/** Validates a picked value (null clears) and commits it. */
	commitValue(value: unknown): void;
	clearError(): void;
	/** Tells others this user is on the field (and whether typing in it), or left it. */
	focus(isFocused: boolean, isEditing?: boolean): void;
	/** The field's shared long text, when the doc has one. */
	text(): Y.Text | undefined;
	createText(initial: string): void;
}

/** The editor of one field on the record page. */
export interface InputProps extends DisplayProps {
	inputId: string;
	labelId: string;
	describedBy: string | undefined;
	isInvalid: boolean;
	isDisabled: boolean;
	inputMode: InputMode;
	editing: FieldEditing;
}

/** A grid picker over the cell being edited (choices, calendar, stars, links, files). */
/**
 * What a picker may offer the grid: `commitNow` keeps what it holds pending when the edit ends
 * by a click elsewhere (a multiple select's picks); without it, a click elsewhere drops the edit.
 */
export interface PickerExports {
	commitNow?: () => void;
}

export interface PickerProps {
	field: GridField;
	/** The field's kind entry, for pickers that serve several kinds. */
	view: KindView;
	value: CellValue;
	/** What the user typed to start editing; null when they pressed Enter or double-clicked. */
	initialText: string | null;
	members: MemberInfo[];
	titles: RelationTitles;
	space: string;
	error: string | null;
	errorId: string;
	onCommitText(text: string, move: Move): void;
	onCommitValue(value: CellValue, move: Move): void;
	onCancel(): void;
	onDraft(): void;
}

export type InputMode = 'text' | 'email' | 'tel' | 'url' | 'decimal';

export interface KindView {
	Cell: Component<CellProps>;
	Card: Component<CardProps>;
	Display: Component<DisplayProps>;
	/** The record page's editor; null for kinds nobody writes (computed), which show Display. */
	Input: Component<InputProps> | null;
	/** Takes the record page's full width (long texts, lists of chips, links, files). */
	isWide: boolean;
	/** The record page's label points at one form control (`for`), not at a group. */
	hasLabelledInput: boolean;
	/** The grid's picker; null: the cell is typed into a text box. */
	Picker: Component<PickerProps, PickerExports> | null;
	/** Typing over the cell goes to the text box even though the kind has a picker. */
	isTypedOverPicker: boolean;
	/** The text box: its keyboard, and whether Enter ends the line or the edit. */
	inputMode: InputMode;
	isMultiline: boolean;
	/** Numbers line up at the end of a cell. */
	isAlignedEnd: boolean;
	/** The cell flips in place (Space, a click) instead of opening an editor. */
	isToggle: boolean;
	/** The kind's settings in the schema editor; null when it has none. */
	Options: Component<OptionsProps> | null;
	/** The numbers those settings take (limits, precision). */
	settings: NumberSetting[];
	/** Values come from the field's choices: one, or many. */
	choices: 'one' | 'many' | null;
	/** How a sort on the kind reads, ascending then descending ("A → Z", "Old → new"). */
	sortWords: [ascending: string, descending: string];
	/** Values are members of the space (filters offer the members to pick from). */
	isPerson: boolean;
	/** Fields change to and from this kind; links cannot (they are added and removed instead). */
	isConvertible: boolean;
	/** The value in words for the history and read-only fields; undefined: the kind's `format`. */
	describe?: (
		value: CellValue,
		field: Pick<GridField, 'options'>,
		members: readonly MemberInfo[]
	) => string | undefined;
}

/** A number the schema editor asks for, such as a maximum length or decimal places. */
export interface NumberSetting {
	key: string;
	label: string;
	min?: number;
	max?: number;
	placeholder?: string;
}

/** A kind's settings in the schema editor. */
export interface OptionsProps {
	options: Record<string, unknown>;
	onchange: (options: Record<string, unknown>) => void;
	/** The space's sheets, for a link's target. */
	types: { id: string; name: string }[];
	/** A link's target is chosen only when the field is added. */
	isNew: boolean;
	/** The numbers the kind takes (limits, precision); see the registry. */
	settings: NumberSetting[];
	/** The server's message about the options. */
	error?: string | null;
}
