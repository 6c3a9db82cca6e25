/** Moved to src/app (orders serialize a customer's submissions with it too). */
export { KeyedMutex } from '../../src/app/keyed-mutex.ts';
