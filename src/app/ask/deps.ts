/** The ports the ask use cases need. */
export type AskDeps = {};
