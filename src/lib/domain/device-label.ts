// A short, human name for where a session was opened ("Firefox on Linux"), read from the
// User-Agent at sign-in, for the account page's list of sessions. A guess, never a security
// decision: the header is whatever the client sent.

const browsers: [RegExp, string][] = [
	[/Edg(e|A|iOS)?\//, 'Edge'],
	[/OPR\/|Opera/, 'Opera'],
	[/Firefox\/|FxiOS\//, 'Firefox'],
	[/Chrome\/|CriOS\/|Chromium\//, 'Chrome'],
	[/Safari\//, 'Safari']
];

const systems: [RegExp, string][] = [
	[/iPhone/, 'iPhone'],
	[/iPad/, 'iPad'],
	[/Android/, 'Android'],
	[/Windows/, 'Windows'],
	[/Mac OS X|Macintosh/, 'macOS'],
	[/CrOS/, 'ChromeOS'],
	[/Linux/, 'Linux']
];

const first = (table: [RegExp, string][], userAgent: string) =>
	table.find(([pattern]) => pattern.test(userAgent))?.[1];

export const DEVICE_LABEL_MAX_LENGTH = 200;

export function deviceLabel(userAgent: string | null | undefined): string {
	const agent = userAgent ?? '';
	const browser = first(browsers, agent);
	const system = first(systems, agent);
	if (browser && system) return `${browser} on ${system}`;
	if (browser ?? system) return (browser ?? system)!;
	// Scripts and unknown clients: their own product token, cut short.
	const product = agent.trim().split(/[\s/]/)[0] ?? '';
	return product.slice(0, 40) || 'Unknown device';
}
