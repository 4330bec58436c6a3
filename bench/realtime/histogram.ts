// A latency histogram that workers fill and the parent merges: millions of (edit, receiver)
// samples per run would not fit through IPC as raw numbers. Buckets grow by 1% from 10 µs, so
// a percentile read from it is within 1% of the true sample.
const BASE_MS = 0.01;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** 10 µs to about 10 minutes. */
const BUCKETS = Math.ceil(Math.log(600_000 / BASE_MS) / LOG_GROWTH) + 1;

export interface HistogramData {
	counts: number[];
	total: number;
	sum: number;
	max: number;
}

export class Histogram {
	readonly counts = new Uint32Array(BUCKETS);
	total = 0;
	sum = 0;
	max = 0;

	record(ms: number): void {
		const value = ms > 0 ? ms : 0;
		const index =
			value <= BASE_MS
				? 0
				: Math.min(BUCKETS - 1, Math.ceil(Math.log(value / BASE_MS) / LOG_GROWTH));
		this.counts[index]!++;
		this.total++;
		this.sum += value;
		if (value > this.max) this.max = value;
	}

	/** Sparse form for IPC: [bucket, count] pairs are enough since most buckets stay empty. */
	toData(): HistogramData {
		const counts: number[] = [];
		this.counts.forEach((count, index) => {
			if (count) counts.push(index, count);
		});
		return { counts, total: this.total, sum: this.sum, max: this.max };
	}

	add(data: HistogramData): void {
		for (let index = 0; index < data.counts.length; index += 2)
			this.counts[data.counts[index]!]! += data.counts[index + 1]!;
		this.total += data.total;
		this.sum += data.sum;
		this.max = Math.max(this.max, data.max);
	}

	/** The upper edge of the bucket holding the quantile's sample, in ms. */
	quantile(quantile: number): number | null {
		if (!this.total) return null;
		const rank = Math.max(1, Math.ceil(quantile * this.total));
		let seen = 0;
		for (let index = 0; index < BUCKETS; index++) {
			seen += this.counts[index]!;
			if (seen >= rank) return Math.min(this.max, BASE_MS * GROWTH ** index);
		}
		return this.max;
	}

	summary(): LatencySummary {
		const round = (value: number | null) => (value === null ? null : Math.round(value * 100) / 100);
		return {
			samples: this.total,
			p50: round(this.quantile(0.5)),
			p99: round(this.quantile(0.99)),
			mean: round(this.total ? this.sum / this.total : null),
			max: round(this.total ? this.max : null)
		};
	}
}

export interface LatencySummary {
	samples: number;
	p50: number | null;
	p99: number | null;
	mean: number | null;
	max: number | null;
}

export function histogramOf(values: Iterable<number>): Histogram {
	const histogram = new Histogram();
	for (const value of values) histogram.record(value);
	return histogram;
}
