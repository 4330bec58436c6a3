// A token bucket per connection: a socket may send `rate` messages a second on average and
// `burst` at once. What exceeds it is dropped with a rate_limited error; a connection that
// keeps flooding long after being told is cut off.
export class MessageBudget {
	private tokens: number;
	private last = performance.now();
	/** Messages dropped since the budget last had room. */
	dropped = 0;

	constructor(
		private readonly rate: number,
		private readonly burst: number
	) {
		this.tokens = burst;
	}

	/** Takes one message's token; false when the budget is spent. */
	take(): boolean {
		const now = performance.now();
		this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
		this.last = now;
		if (this.tokens >= 1) {
			this.tokens -= 1;
			this.dropped = 0;
			return true;
		}
		this.dropped++;
		return false;
	}
}
