// A tiny parameter collector: every value goes into `$n`, never into the SQL text.
export class Params {
	readonly values: unknown[] = [];

	add(value: unknown): string {
		this.values.push(value);
		return `$${this.values.length}`;
	}
}
