// The sheet's passing notices (a paste that skipped rows, a field that must stay visible): the
// last four, each gone after eight seconds or when dismissed.
const KEPT = 4;
const SHOWN_MS = 8_000;

export class Notices {
	list = $state<{ id: number; message: string }[]>([]);
	private serial = 0;

	push(message: string): void {
		const id = ++this.serial;
		this.list = [...this.list.slice(-(KEPT - 1)), { id, message }];
		setTimeout(() => this.dismiss(id), SHOWN_MS);
	}

	dismiss(id: number): void {
		this.list = this.list.filter((notice) => notice.id !== id);
	}
}
