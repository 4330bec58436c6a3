// The choices of single and multiple select fields. Values store the choice name, so a cell
// reads well in exports and filters; the id lets a rename carry existing values along.
import { z } from 'zod';
import { quoted } from './text-input';

const choiceSchema = z.object({
	id: z
		.string({ error: 'Each choice needs an id' })
		.min(1, 'Each choice needs an id')
		.max(64, 'Choice ids are limited to 64 characters')
		.default(() => crypto.randomUUID()),
	name: z
		.string({ error: 'Each choice needs a name' })
		.trim()
		.min(1, 'Each choice needs a name')
		.max(100, 'Choice names are limited to 100 characters'),
	color: z
		.string({ error: 'A choice color must be a name like blue' })
		.trim()
		.min(1, 'A choice color must be a name like blue')
		.max(32, 'A choice color must be a name like blue')
		.default('gray')
});

export type Choice = z.output<typeof choiceSchema>;

/**
 * Names must differ ignoring case, since a pasted 'red' finds the choice 'Red'. A multiple
 * select also forbids commas in names: commas separate its values in text.
 */
export const selectOptionsSchema = ({ isList }: { isList: boolean }) =>
	z.object({
		choices: z
			.array(choiceSchema, { error: 'Choices must be a list' })
			.max(1000, 'A field can have at most 1000 choices')
			.default([])
			.superRefine((choices, context) => {
				const names = new Set<string>();
				const ids = new Set<string>();
				for (const { id, name } of choices) {
					const folded = name.toLowerCase();
					if (names.has(folded)) {
						context.addIssue({
							code: 'custom',
							message: `There are two choices named ${quoted(name)}`
						});
					}
					if (ids.has(id)) {
						context.addIssue({ code: 'custom', message: 'Two choices have the same id' });
					}
					if (isList && name.includes(',')) {
						context.addIssue({
							code: 'custom',
							message: `Choice names cannot contain commas: ${quoted(name)}`
						});
					}
					names.add(folded);
					ids.add(id);
				}
			})
	});

export interface SelectOptions {
	choices: Choice[];
}

/** The choice's own spelling of a name, matched exactly first and then ignoring case. */
export function matchChoice(name: string, { choices }: SelectOptions): string | null {
	const exact = choices.find((choice) => choice.name === name);
	if (exact) return exact.name;
	const folded = name.toLowerCase();
	return choices.find((choice) => choice.name.toLowerCase() === folded)?.name ?? null;
}

const namesShown = 5;

export function notAChoice(name: string, { choices }: SelectOptions): string {
	if (choices.length === 0) return `${quoted(name)} is not a choice: there are no choices yet`;
	const shown = choices.slice(0, namesShown).map((choice) => choice.name);
	const rest = choices.length - shown.length;
	return `${quoted(name)} is not one of the choices: ${shown.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
}

/** The name a choice has under new options, following its id through a rename. */
export function renamedChoice(name: string, from: SelectOptions, to: SelectOptions): string {
	const id = from.choices.find((choice) => choice.name === name)?.id;
	return to.choices.find((choice) => choice.id === id)?.name ?? name;
}
