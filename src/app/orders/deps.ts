/** The ports the orders use cases need. */
export type OrderDeps = {};
