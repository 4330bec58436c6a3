// Titles of linked records for relation chips, fetched in batches from the target sheet's REST
// collection and cached for the page's life; also the picker's search over that sheet.
/* eslint-disable svelte/prefer-svelte-reactivity -- the fetch queue is bookkeeping; views read
   only `titles`, a SvelteMap. */
import { SvelteMap } from 'svelte/reactivity';
import { titleFieldOf, type EntityTypeInfo } from '$lib/domain/view-fields';

export { titleFieldOf };

export interface LinkedRecord {
	id: string;
	title: string;
	/** A second field that tells same-named records apart (an email, a phone), in search results. */
	hint?: string;
	/** Why a search found it when the title does not show it: "Email: ada@example.org". */
	matched?: string;
}

/** Kinds worth showing beside a name, best first: what tells two Ada Lovelaces apart. */
const hintKinds = ['email', 'phone', 'text', 'url', 'single_select'];
/** Kinds the search looks in (isSearchable), whose value can say why a record matched. */
const searchedKinds = new Set(['text', 'long_text', 'email', 'phone', 'url']);

/** The field shown beside each title in the picker, if the sheet has one. */
export function hintFieldOf(type: EntityTypeInfo): string | null {
	const title = titleFieldOf(type);
	const sorted = [...type.attributes]
		.filter((attribute) => attribute.key !== title)
		.sort((a, b) => a.position - b.position);
	for (const kind of hintKinds) {
		const found = sorted.find((attribute) => attribute.kind === kind);
		if (found) return found.key;
	}
	return null;
}

/**
 * A search result as the picker shows it: its title, a hint, and (when neither shows the text
 * searched for) the field that holds it. Pure, for the picker and its tests.
 */
export function describeResult(
	type: EntityTypeInfo,
	row: Record<string, unknown>,
	text: string
): LinkedRecord {
	const titleKey = titleFieldOf(type);
	const hintKey = hintFieldOf(type);
	const show = (value: unknown) =>
		value === null || value === undefined || value === '' ? undefined : String(value);
	const record: LinkedRecord = {
		id: String(row.id),
		title: (titleKey && show(row[titleKey])) || 'Untitled',
		hint: hintKey ? show(row[hintKey]) : undefined
	};
	const needle = text.trim().toLowerCase();
	const holds = (value: string | undefined) => value?.toLowerCase().includes(needle) ?? false;
	if (!needle || holds(record.title) || holds(record.hint)) return record;
	for (const attribute of type.attributes) {
		if (!searchedKinds.has(attribute.kind) || attribute.key === titleKey) continue;
		const value = show(row[attribute.key]);
		if (holds(value)) return { ...record, matched: `${attribute.name}: ${value}` };
	}
	return record;
}

export class RelationTitles {
	readonly titles = new SvelteMap<string, string>();
	private readonly queued = new Map<string, Set<string>>();
	private readonly requested = new Set<string>();
	private flushTimer: ReturnType<typeof setTimeout> | null = null;

	constructor(
		private readonly space: string,
		private readonly types: EntityTypeInfo[]
	) {}

	targetOf(targetTypeId: unknown): EntityTypeInfo | undefined {
		return this.types.find((type) => type.id === targetTypeId);
	}

	/** The cached title, or undefined while it is being fetched (queues the fetch). */
	titleOf(targetTypeId: unknown, id: string): string | undefined {
		const title = this.titles.get(id);
		if (title !== undefined || this.requested.has(id)) return title;
		const target = this.targetOf(targetTypeId);
		if (!target) return undefined;
		this.requested.add(id);
		let ids = this.queued.get(target.key);
		if (!ids) this.queued.set(target.key, (ids = new Set()));
		ids.add(id);
		// Batched over a short pause: a fast scroll past linked rows asks once, when it rests.
		if (this.flushTimer) clearTimeout(this.flushTimer);
		this.flushTimer = setTimeout(() => void this.flush(), 120);
		return undefined;
	}

	remember(records: LinkedRecord[]): void {
		for (const record of records) this.titles.set(record.id, record.title);
	}

	private async flush(): Promise<void> {
		this.flushTimer = null;
		const batches = [...this.queued];
		this.queued.clear();
		for (const [typeKey, ids] of batches) {
			const type = this.types.find((candidate) => candidate.key === typeKey)!;
			const list = [...ids];
			for (let start = 0; start < list.length; start += 200) {
				const chunk = list.slice(start, start + 200);
				const found = await this.fetchRecords(
					type,
					new URLSearchParams({ id: `in.(${chunk.join(',')})`, limit: String(chunk.length) })
				).catch(() => []);
				this.remember(found);
				const seen = new Set(found.map((record) => record.id));
				// Deleted or hidden links still get a label rather than a spinner forever.
				for (const id of chunk) if (!seen.has(id)) this.titles.set(id, 'Unavailable record');
			}
		}
	}

	/** Records of the target sheet matching a search, for the picker: with a hint and a reason. */
	async search(targetTypeId: unknown, text: string): Promise<LinkedRecord[]> {
		const type = this.targetOf(targetTypeId);
		if (!type) return [];
		const params = new URLSearchParams({ limit: '20' });
		if (text.trim()) params.set('search', text.trim());
		const keys = new Set(['id']);
		const titleKey = titleFieldOf(type);
		const hintKey = hintFieldOf(type);
		if (titleKey) keys.add(titleKey);
		if (hintKey) keys.add(hintKey);
		if (text.trim())
			for (const attribute of type.attributes)
				if (searchedKinds.has(attribute.kind)) keys.add(attribute.key);
		params.set('select', [...keys].join(','));
		const found = (await this.fetchRows(type, params)).map((row) =>
			describeResult(type, row, text)
		);
		this.remember(found);
		return found;
	}

	private async fetchRecords(
		type: EntityTypeInfo,
		params: URLSearchParams
	): Promise<LinkedRecord[]> {
		const titleKey = titleFieldOf(type);
		if (titleKey) params.set('select', `id,${titleKey}`);
		return (await this.fetchRows(type, params)).map((row) => describeResult(type, row, ''));
	}

	private async fetchRows(
		type: EntityTypeInfo,
		params: URLSearchParams
	): Promise<Record<string, unknown>[]> {
		const response = await fetch(
			`/api/spaces/${encodeURIComponent(this.space)}/rest/${encodeURIComponent(type.key)}?${params}`
		);
		if (!response.ok)
			throw new Error(`The linked records could not be loaded (${response.status})`);
		return (await response.json()) as Record<string, unknown>[];
	}
}
