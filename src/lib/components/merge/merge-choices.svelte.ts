// The steward's picks on the merge page: which record survives and, per field, whose value
// (or the union of every record's list) it keeps. Starts from survivorship's defaults; a field
// the steward picked keeps its pick when the survivor changes.
import type { CellValue } from '$lib/domain/attributes/kind';
import type { MergePreview } from '$lib/domain/merge/merge';
import {
	chosenValue,
	defaultChoices,
	mergeableAttributes,
	type FieldChoice,
	type MergeAttribute
} from '$lib/domain/merge/survivorship';
import { SvelteSet } from 'svelte/reactivity';

export class MergeChoices {
	survivorId = $state('');
	choices = $state<Record<string, FieldChoice>>({});
	private readonly picked = new SvelteSet<string>();

	constructor(
		readonly preview: MergePreview,
		readonly attributes: MergeAttribute[]
	) {
		this.survivorId = preview.survivorId;
		this.choices = { ...preview.choices };
	}

	get candidates() {
		return this.preview.candidates;
	}

	get mergedIds(): string[] {
		return this.candidates.map((each) => each.id).filter((id) => id !== this.survivorId);
	}

	chooseSurvivor(id: string): void {
		this.survivorId = id;
		const defaults = defaultChoices(this.attributes, this.candidates, id);
		for (const [key, choice] of Object.entries(defaults))
			if (!this.picked.has(key)) this.choices[key] = choice;
	}

	pick(key: string, choice: FieldChoice): void {
		this.picked.add(key);
		this.choices[key] = choice;
	}

	/** The survivor's values as the merge will write them. */
	values(): Record<string, CellValue> {
		return Object.fromEntries(
			mergeableAttributes(this.attributes).map(({ key }) => [
				key,
				chosenValue(
					key,
					this.choices[key] ?? { from: this.survivorId },
					this.candidates,
					this.survivorId
				)
			])
		);
	}
}
