// When the board asks the server for itself again. Mid-move the user's own arrangement wins: a
// refresh wanted then waits until the move settles. Bursts of changes fold into one reload.
export class RefreshGate {
	private isWanted = false;
	private timer: ReturnType<typeof setTimeout> | null = null;

	constructor(
		private readonly isBusy: () => boolean,
		private readonly reload: () => void,
		private readonly delayMs = 120
	) {}

	/** Reloads soon, or once the move in hand settles. */
	request(): void {
		if (this.isBusy()) {
			this.isWanted = true;
			return;
		}
		if (this.timer) clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			this.timer = null;
			this.reload();
		}, this.delayMs);
	}

	/** Remembers that the board is stale without asking yet. */
	want(): void {
		this.isWanted = true;
	}

	/** After a move: reloads if one was wanted meanwhile. */
	settle(): void {
		if (this.isWanted && !this.isBusy()) {
			this.isWanted = false;
			this.request();
		}
	}

	dispose(): void {
		if (this.timer) clearTimeout(this.timer);
	}
}
