// Pairs to clusters for the review queue: records joined by any open pair form one cluster
// (connected components, union-find), so three copies of a person are reviewed together.
export interface ScoredPair {
	recordA: string;
	recordB: string;
	score: number;
}

export interface Cluster<P extends ScoredPair> {
	ids: string[];
	pairs: P[];
	/** The best pair's score: what the queue sorts by. */
	score: number;
}

export function clusterPairs<P extends ScoredPair>(pairs: P[]): Cluster<P>[] {
	const parent = new Map<string, string>();
	const find = (id: string): string => {
		let root = id;
		while (parent.get(root) !== root) root = parent.get(root) ?? root;
		parent.set(id, root);
		return root;
	};
	for (const pair of pairs) {
		if (!parent.has(pair.recordA)) parent.set(pair.recordA, pair.recordA);
		if (!parent.has(pair.recordB)) parent.set(pair.recordB, pair.recordB);
		const a = find(pair.recordA);
		const b = find(pair.recordB);
		if (a !== b) parent.set(a, b);
	}
	const clusters = new Map<string, Cluster<P>>();
	for (const pair of pairs) {
		const root = find(pair.recordA);
		let cluster = clusters.get(root);
		if (!cluster) {
			cluster = { ids: [], pairs: [], score: 0 };
			clusters.set(root, cluster);
		}
		cluster.pairs.push(pair);
		cluster.score = Math.max(cluster.score, pair.score);
		for (const id of [pair.recordA, pair.recordB])
			if (!cluster.ids.includes(id)) cluster.ids.push(id);
	}
	return [...clusters.values()].sort(
		(a, b) => b.score - a.score || a.ids[0]!.localeCompare(b.ids[0]!)
	);
}

/** A pair's record ids in the stored order (record_a < record_b). */
export function orderedPair(a: string, b: string): [string, string] {
	return a < b ? [a, b] : [b, a];
}
