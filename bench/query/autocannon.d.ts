// The part of autocannon's API the benchmark uses (the package ships no types).
declare module 'autocannon' {
	interface Histogram {
		average: number;
		total: number;
		p50: number;
		p99: number;
	}
	interface Result {
		requests: Histogram;
		latency: Histogram;
		duration: number;
		non2xx: number;
		errors: number;
		timeouts: number;
	}
	interface Options {
		url: string;
		connections?: number;
		duration?: number;
		headers?: Record<string, string>;
		requests?: {
			method?: string;
			setupRequest?: (request: Record<string, unknown>) => Record<string, unknown>;
		}[];
	}
	export default function autocannon(options: Options): Promise<Result>;
}
