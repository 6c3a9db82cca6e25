/** The ports the bench use cases need. */
export type BenchDeps = {};
