// Binds a <textarea> to a Y.Text, so several people can type in one long text at once. Local
// input becomes the one delete/insert that turns the old text into the new (placed at the
// caret); remote changes rewrite the textarea and carry the local selection through them.
import * as Y from 'yjs';

export interface TextEdit {
	index: number;
	remove: number;
	insert: string;
}

/** A Y.Text change as its observers see it (`YTextEvent.delta`). */
export type TextDelta = { insert?: unknown; delete?: number; retain?: number }[];

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * The single edit that turns `before` into `after`. `caret` (where the caret is in `after`)
 * places an ambiguous edit: typing "a" into "aa" at 1 inserts at 1, not at the end. An edit
 * never splits a surrogate pair, so an emoji is replaced whole.
 */
export function diffText(before: string, after: string, caret?: number): TextEdit | null {
	if (before === after) return null;
	// The suffix may not reach left of the caret: what follows the caret is unchanged text.
	const maxSuffix = Math.min(
		before.length,
		after.length,
		caret === undefined ? Infinity : Math.max(0, after.length - caret)
	);
	let suffix = 0;
	while (
		suffix < maxSuffix &&
		before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
	)
		suffix++;
	const maxPrefix = Math.min(before.length, after.length) - suffix;
	let prefix = 0;
	while (prefix < maxPrefix && before[prefix] === after[prefix]) prefix++;
	if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
	if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
	return {
		index: prefix,
		remove: before.length - prefix - suffix,
		insert: after.slice(prefix, after.length - suffix)
	};
}

/**
 * Where a position in the text before a change lands after it. Text inserted before it pushes
 * it right; text inserted exactly at it does so only for `stickRight` (the end of a selection
 * grows with typing at its end; a caret stays before a collaborator's new text). Deleted text
 * around it pulls it to where the deletion was.
 */
export function mapIndex(index: number, delta: TextDelta, stickRight = false): number {
	let position = 0;
	let shift = 0;
	for (const op of delta) {
		if (position > index) break;
		if (op.retain !== undefined) {
			position += op.retain;
		} else if (op.insert !== undefined) {
			const length = typeof op.insert === 'string' ? op.insert.length : 1;
			if (position < index || (position === index && stickRight)) shift += length;
		} else if (op.delete !== undefined) {
			shift -= Math.max(0, Math.min(op.delete, index - position));
			position += op.delete;
		}
	}
	return index + shift;
}

/** Applies an edit as one transaction. */
export function applyEdit(text: Y.Text, edit: TextEdit, origin: unknown): void {
	text.doc!.transact(() => {
		if (edit.remove > 0) text.delete(edit.index, edit.remove);
		if (edit.insert) text.insert(edit.index, edit.insert);
	}, origin);
}

/** What the binding needs of a textarea: enough to drive it from tests without a DOM. */
export interface TextareaLike {
	value: string;
	selectionStart: number | null;
	selectionEnd: number | null;
	selectionDirection: 'forward' | 'backward' | 'none' | null;
	scrollTop: number;
	readOnly: boolean;
	setSelectionRange(start: number, end: number, direction?: 'forward' | 'backward' | 'none'): void;
	addEventListener(type: string, listener: (event: Event) => void): void;
	removeEventListener(type: string, listener: (event: Event) => void): void;
}

export interface TextareaBindingOptions {
	/** Whether the textarea has focus (its selection only matters then). */
	isFocused?: () => boolean;
	/** Called after each local edit is applied to the Y.Text. */
	onLocalEdit?: () => void;
	/** Called after a remote change has been shown. */
	onRemoteChange?: () => void;
}

export class TextareaBinding {
	/** Marks this binding's own transactions, which its observer skips. */
	readonly origin = Symbol('textarea-binding');
	readonly undoManager: Y.UndoManager;
	/** What the textarea showed when it last matched the Y.Text. */
	private shown: string;
	private isComposing = false;
	/** Remote changes that arrived during an IME composition, shown when it ends. */
	private missed: TextDelta[] = [];
	private readonly listeners: [string, (event: Event) => void][];

	constructor(
		private readonly textarea: TextareaLike,
		private readonly text: Y.Text,
		private readonly options: TextareaBindingOptions = {}
	) {
		this.shown = text.toString();
		textarea.value = this.shown;
		this.undoManager = new Y.UndoManager(text, { trackedOrigins: new Set([this.origin]) });
		this.listeners = [
			['input', () => !this.isComposing && this.commitInput()],
			['compositionstart', () => (this.isComposing = true)],
			[
				'compositionend',
				() => {
					this.isComposing = false;
					this.commitInput();
				}
			],
			['keydown', (event) => this.onKeydown(event as KeyboardEvent)]
		];
		for (const [type, listener] of this.listeners) textarea.addEventListener(type, listener);
		text.observe(this.onChange);
	}

	destroy(): void {
		for (const [type, listener] of this.listeners)
			this.textarea.removeEventListener(type, listener);
		this.text.unobserve(this.onChange);
		this.undoManager.destroy();
	}

	/** Turns what the user typed into one edit of the Y.Text. */
	private commitInput(): void {
		if (this.textarea.readOnly) return;
		const value = this.textarea.value;
		const edit = diffText(this.shown, value, this.textarea.selectionEnd ?? undefined);
		const missed = this.missed.splice(0);
		if (!edit) {
			if (missed.length) this.show(missed);
			return;
		}
		// Changes that came in while composing moved the text under the edit.
		let { index, remove } = edit;
		for (const delta of missed) {
			const end = mapIndex(index + remove, delta);
			index = mapIndex(index, delta);
			remove = Math.max(0, end - index);
		}
		applyEdit(this.text, { index, remove, insert: edit.insert }, this.origin);
		this.shown = this.text.toString();
		if (missed.length || this.shown !== value) {
			const caret = index + edit.insert.length;
			this.render(caret, caret);
		}
		this.options.onLocalEdit?.();
	}

	private readonly onChange = (event: Y.YTextEvent, transaction: Y.Transaction): void => {
		if (transaction.origin === this.origin) return;
		const delta = event.delta as TextDelta;
		if (this.isComposing) {
			this.missed.push(delta);
			return;
		}
		this.show([delta]);
		this.options.onRemoteChange?.();
	};

	/** Shows the Y.Text as it is now, carrying the selection through the changes since. */
	private show(deltas: TextDelta[]): void {
		let start = this.textarea.selectionStart ?? 0;
		let end = this.textarea.selectionEnd ?? start;
		const isCollapsed = start === end;
		for (const delta of deltas) {
			start = mapIndex(start, delta);
			end = mapIndex(end, delta, !isCollapsed);
		}
		this.shown = this.text.toString();
		this.render(start, end);
	}

	private render(start: number, end: number): void {
		const { textarea } = this;
		const scrollTop = textarea.scrollTop;
		const direction = textarea.selectionDirection ?? undefined;
		textarea.value = this.shown;
		if (this.options.isFocused?.() ?? true) textarea.setSelectionRange(start, end, direction);
		textarea.scrollTop = scrollTop;
	}

	/** Undo and redo of this person's own typing only (Ctrl/Cmd+Z, Shift+Ctrl/Cmd+Z, Ctrl+Y). */
	private onKeydown(event: KeyboardEvent): void {
		if (this.textarea.readOnly || !(event.ctrlKey || event.metaKey) || event.altKey) return;
		const key = event.key.toLowerCase();
		const isUndo = key === 'z' && !event.shiftKey;
		const isRedo = (key === 'z' && event.shiftKey) || (key === 'y' && !event.shiftKey);
		if (!isUndo && !isRedo) return;
		event.preventDefault();
		if (isUndo) this.undoManager.undo();
		else this.undoManager.redo();
	}
}
