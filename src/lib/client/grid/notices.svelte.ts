// The sheet's passing notices (a paste that skipped rows, a field that must stay visible): the
// last four, each gone after eight seconds or when dismissed. A notice with details (the values
// a paste refused, cell by cell) stays until dismissed, so the list can be read.
const KEPT = 4;
const SHOWN_MS = 8_000;

export interface NoticeDetail {
	/** Where: "Row 12 · Email". */
	where: string;
	message: string;
}

export interface Notice {
	id: number;
	message: string;
	details?: NoticeDetail[];
}

export class Notices {
	list = $state<Notice[]>([]);
	private serial = 0;

	push(message: string, details?: NoticeDetail[]): void {
		const id = ++this.serial;
		this.list = [...this.list.slice(-(KEPT - 1)), { id, message, details }];
		if (!details?.length) setTimeout(() => this.dismiss(id), SHOWN_MS);
	}

	dismiss(id: number): void {
		this.list = this.list.filter((notice) => notice.id !== id);
	}
}
