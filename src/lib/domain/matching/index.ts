// Finding duplicates: normalisation, comparators, Fellegi–Sunter scoring, blocking and
// clusters. Pure, shared by the scan job, the write warning, the rules preview and the bench.
export * from './normalize';
export * from './compare';
export * from './rules';
export * from './score';
export * from './blocking';
export * from './clusters';
export * from './scan';
export * from './queue';
