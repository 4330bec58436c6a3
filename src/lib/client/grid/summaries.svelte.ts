// The grid footer's figures: asked of the server (which computes them over the whole filtered
// view) when the view's query or its chosen summaries change, and again a moment after edits.
import { ApiError, apiRequest } from '$lib/components/fields/api';
import type { FilterNode } from '$lib/domain/query/ast';
import type { SummaryName, SummaryResult } from '$lib/domain/summaries';
import { cellText, type GridField, type MemberInfo } from './fields';

export interface SummaryQuery {
	filter?: FilterNode | null;
	search?: string;
	summaries: Record<string, SummaryName>;
}

/** Edits arrive in bursts (a paste, a colleague's typing): one request after they settle. */
const SETTLE_MS = 700;

export class ViewSummaries {
	results = $state<Record<string, SummaryResult>>({});
	error = $state<string | null>(null);
	private controller: AbortController | null = null;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private lastBody = '';

	constructor(private readonly url: string) {}

	/** Asks for `query` now, unless the same question is already answered or on its way. */
	load(query: SummaryQuery, options: { force?: boolean } = {}): void {
		const body = JSON.stringify(query);
		if (!options.force && body === this.lastBody) return;
		this.lastBody = body;
		if (this.timer) clearTimeout(this.timer);
		this.controller?.abort();
		if (Object.keys(query.summaries).length === 0) {
			this.results = {};
			return;
		}
		const controller = (this.controller = new AbortController());
		apiRequest<{ summaries: Record<string, SummaryResult> }>(this.url, {
			method: 'POST',
			body: query,
			signal: controller.signal
		}).then(
			(answer) => {
				if (controller.signal.aborted) return;
				this.results = answer.summaries;
				this.error = null;
			},
			(error: unknown) => {
				if (controller.signal.aborted) return;
				this.error =
					error instanceof ApiError ? error.message : 'The summaries could not be loaded.';
			}
		);
	}

	/** Asks again once edits have settled. */
	refreshSoon(query: SummaryQuery): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = setTimeout(() => this.load(query, { force: true }), SETTLE_MS);
	}

	destroy(): void {
		if (this.timer) clearTimeout(this.timer);
		this.controller?.abort();
	}
}

const decimals = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const whole = new Intl.NumberFormat();

/** A summary as the footer shows it: counts as numbers, values as the field's kind shows them. */
export function summaryText(
	field: GridField,
	summary: SummaryName,
	result: SummaryResult | undefined,
	members: MemberInfo[]
): string {
	if (!result) return '…';
	switch (result.type) {
		case 'count':
			return whole.format(result.count);
		case 'percent':
			return result.percent === null ? '–' : `${decimals.format(result.percent)}%`;
		case 'value': {
			if (result.value === null) return '–';
			// An average keeps decimals a whole-number field does not show; money stays money.
			if (summary === 'average' && field.kind !== 'currency' && typeof result.value === 'number')
				return decimals.format(result.value);
			return cellText(field, result.value, members) || '–';
		}
	}
}
