// One clock for every process of the bench: wall time with sub-millisecond resolution, so an
// edit stamped in one worker can be timed on arrival in another (same machine, same clock).
export const clock = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number) =>
	new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
