// The one place Redis keys are built. Each part is percent-encoded, so a part holding ':' (an
// email address, a user-supplied name) cannot spill into the next segment or forge another key.

const PREFIX = 'roster';

export function redisKey(...parts: string[]): string {
	if (parts.length === 0) throw new RangeError('redisKey needs at least one part');
	return [PREFIX, ...parts.map((part) => encodeURIComponent(part))].join(':');
}
