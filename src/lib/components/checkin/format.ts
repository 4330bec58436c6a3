// How times read at the door: "14:05" today, "Jul 17, 14:05" on another day.
export function formatCheckinTime(at: number | null, now = Date.now()): string {
	if (at === null) return '';
	const date = new Date(at);
	const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
	return new Date(now).toDateString() === date.toDateString()
		? time
		: `${date.toLocaleDateString([], { month: 'short', day: 'numeric' })}, ${time}`;
}

export const formatCount = (count: number) => count.toLocaleString('en-US');

/** Now as an ISO string: when a scan was made. */
export const isoNow = () => new Date().toISOString();
