// The server's report on a change of a field's kind (or of its choices), grouped for reading:
// each value that will not convert once, with how many records hold it.
import type { Choice } from '$lib/domain/attributes';
import type { CellValue } from '$lib/domain/attributes/kind';
import { newChoiceId, nextColor } from './choice-colors';

export interface ConversionReport {
	total: number;
	converted: number;
	failures: { id: string; value: CellValue; message: string }[];
}

export interface FailureGroup {
	text: string;
	count: number;
	message: string;
	value: CellValue;
}

export function valueText(value: CellValue): string {
	if (value === null) return '(empty)';
	if (Array.isArray(value))
		return value.map((item) => (typeof item === 'string' ? item : item.name)).join(', ');
	return String(value);
}

/** Most frequent first. */
export function groupFailures(failures: ConversionReport['failures']): FailureGroup[] {
	const groups = new Map<string, FailureGroup>();
	for (const failure of failures) {
		const text = valueText(failure.value);
		const group = groups.get(text);
		if (group) group.count++;
		else groups.set(text, { text, count: 1, message: failure.message, value: failure.value });
	}
	return [...groups.values()].sort((a, b) => b.count - a.count || a.text.localeCompare(b.text));
}

/**
 * The values that did not convert to a select, as names of choices to add: a list gives each
 * of its items, text going to a multiple select splits at commas (which names cannot hold).
 */
export function missingChoiceNames(
	failures: ConversionReport['failures'],
	target: { isList: boolean; choices: Choice[] }
): string[] {
	const names = new Map<string, string>();
	for (const failure of failures) {
		const items = Array.isArray(failure.value)
			? failure.value.map((item) => (typeof item === 'string' ? item : item.name))
			: target.isList
				? valueText(failure.value).split(',')
				: [valueText(failure.value)];
		for (const item of items) {
			const name = item.trim().slice(0, 100);
			if (name && !(target.isList && name.includes(','))) names.set(name.toLowerCase(), name);
		}
	}
	for (const choice of target.choices) names.delete(choice.name.toLowerCase());
	return [...names.values()];
}

/** The choices with the named ones added, each with its own colour. */
export function withChoices(choices: Choice[], names: string[]): Choice[] {
	const next = [...choices];
	for (const name of names) {
		if (next.some((choice) => choice.name.toLowerCase() === name.toLowerCase())) continue;
		next.push({ id: newChoiceId(), name, color: nextColor(next.map((choice) => choice.color)) });
	}
	return next;
}
