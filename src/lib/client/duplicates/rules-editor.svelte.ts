// The rules page's state: the rules being edited, saving them, and a preview of the pairs they
// would find, asked for again a moment after each change.
import { apiRequest, ApiError, messageOf } from '$lib/components/fields/api';
import type { MatchRules, RulesPreview } from '$lib/domain/matching';

const PREVIEW_DELAY_MS = 400;

export class RulesEditor {
	rules = $state<MatchRules>() as MatchRules;
	isCustom = $state(false);
	preview = $state<RulesPreview | null>(null);
	previewError = $state<string | null>(null);
	isPreviewing = $state(false);
	error = $state<string | null>(null);
	errorField = $state<string | null>(null);
	saved = $state(false);
	private timer: ReturnType<typeof setTimeout> | undefined;
	private asked = 0;

	constructor(
		private readonly base: string,
		stored: { rules: MatchRules; isCustom: boolean }
	) {
		this.rules = structuredClone(stored.rules);
		this.isCustom = stored.isCustom;
	}

	/** Call after every change: the preview follows a moment later. */
	changed() {
		this.saved = false;
		clearTimeout(this.timer);
		this.timer = setTimeout(() => void this.refresh(), PREVIEW_DELAY_MS);
	}

	async refresh() {
		const asked = ++this.asked;
		this.isPreviewing = true;
		try {
			const preview = await apiRequest<RulesPreview>(`${this.base}/preview`, {
				method: 'POST',
				body: $state.snapshot(this.rules)
			});
			if (asked !== this.asked) return;
			this.preview = preview;
			this.previewError = null;
		} catch (error) {
			if (asked === this.asked) this.previewError = messageOf(error);
		} finally {
			if (asked === this.asked) this.isPreviewing = false;
		}
	}

	private take(stored: { rules: MatchRules; isCustom: boolean }) {
		this.rules = stored.rules;
		this.isCustom = stored.isCustom;
		this.saved = true;
		this.error = this.errorField = null;
	}

	async save() {
		try {
			this.take(await apiRequest(this.base, { method: 'PUT', body: $state.snapshot(this.rules) }));
		} catch (error) {
			this.error = messageOf(error);
			this.errorField = error instanceof ApiError ? (error.field ?? null) : null;
		}
	}

	async reset() {
		try {
			this.take(await apiRequest(this.base, { method: 'DELETE' }));
			void this.refresh();
		} catch (error) {
			this.error = messageOf(error);
		}
	}

	close() {
		clearTimeout(this.timer);
	}
}
