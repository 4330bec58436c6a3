// The review queue's state in the browser: the clusters, which one is selected, the answers
// sent, and a scan followed live over Server-Sent Events until it is done.
import { apiRequest, messageOf } from '$lib/components/fields/api';
import type { DuplicateQueue } from '$lib/domain/matching/queue';
import { isScanFinished, type MatchScanStatus } from '$lib/domain/matching/scan';

export class ReviewQueue {
	clusters = $state<DuplicateQueue['clusters']>([]);
	records = $state<DuplicateQueue['records']>({});
	openPairs = $state(0);
	selected = $state(0);
	scan = $state<MatchScanStatus | null>(null);
	error = $state<string | null>(null);
	isBusy = $state(false);
	private events: EventSource | null = null;

	constructor(
		private readonly space: string,
		private readonly type: string,
		queue: DuplicateQueue,
		scan: MatchScanStatus | null
	) {
		this.take(queue);
		this.scan = scan;
		if (scan && !isScanFinished(scan.state)) this.follow(scan.id);
	}

	private get base() {
		return `/api/spaces/${this.space}/types/${this.type}/duplicates`;
	}

	get current() {
		return this.clusters[this.selected] ?? null;
	}

	private take(queue: DuplicateQueue) {
		this.clusters = queue.clusters;
		this.records = queue.records;
		this.openPairs = queue.openPairs;
		this.selected = Math.min(this.selected, Math.max(0, queue.clusters.length - 1));
	}

	move(by: number) {
		if (!this.clusters.length) return;
		this.selected = Math.max(0, Math.min(this.clusters.length - 1, this.selected + by));
	}

	/** "Not duplicates" for the selected cluster: remembered, and the next one is selected. */
	async notDuplicates(index = this.selected) {
		const cluster = this.clusters[index];
		if (!cluster || this.isBusy) return;
		this.isBusy = true;
		this.error = null;
		try {
			await apiRequest(`${this.base}/not-duplicates`, {
				method: 'POST',
				body: { ids: cluster.ids }
			});
			this.clusters = this.clusters.filter((_, each) => each !== index);
			this.openPairs = Math.max(0, this.openPairs - cluster.pairs.length);
			this.selected = Math.min(index, Math.max(0, this.clusters.length - 1));
		} catch (error) {
			this.error = messageOf(error);
		} finally {
			this.isBusy = false;
		}
	}

	async reload() {
		try {
			this.take(await apiRequest<DuplicateQueue>(this.base));
		} catch (error) {
			this.error = messageOf(error);
		}
	}

	async startScan() {
		this.error = null;
		try {
			const scan = await apiRequest<MatchScanStatus>(`${this.base}/scans`, { method: 'POST' });
			this.scan = scan;
			this.follow(scan.id);
		} catch (error) {
			this.error = messageOf(error);
		}
	}

	private follow(id: string) {
		this.events?.close();
		const events = new EventSource(`/api/spaces/${this.space}/match-scans/${id}/events`);
		this.events = events;
		events.addEventListener('status', (event) => {
			const status = JSON.parse((event as MessageEvent<string>).data) as MatchScanStatus;
			this.scan = status;
			if (isScanFinished(status.state)) {
				events.close();
				if (status.state === 'done') void this.reload();
			}
		});
	}

	close() {
		this.events?.close();
	}
}
