/** The ports the voice use cases need. */
export type VoiceDeps = {};
