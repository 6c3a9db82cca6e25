/** Chunk vectors (unit length) in memory; brute-force cosine, which 10,000 x 256 floats do in a few milliseconds. */
export class VectorIndex {
  readonly #vectors = new Map<string, Float32Array>();

  get size(): number {
    return this.#vectors.size;
  }

  has(id: string): boolean {
    return this.#vectors.has(id);
  }

  set(id: string, vector: Float32Array): void {
    this.#vectors.set(id, normalized(vector));
  }

  remove(ids: readonly string[]): void {
    for (const id of ids) this.#vectors.delete(id);
  }

  /** The `limit` nearest chunks to `query` by cosine similarity, best first. */
  nearest(query: Float32Array, limit: number): { id: string; score: number }[] {
    const q = normalized(query);
    const best: { id: string; score: number }[] = [];
    for (const [id, v] of this.#vectors) {
      if (v.length !== q.length) continue;
      let dot = 0;
      for (let i = 0; i < q.length; i++) dot += (q[i] ?? 0) * (v[i] ?? 0);
      if (best.length < limit || dot > (best.at(-1)?.score ?? -2)) {
        best.push({ id, score: dot });
        best.sort((a, b) => b.score - a.score);
        if (best.length > limit) best.pop();
      }
    }
    return best;
  }

  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [id, v] of this.#vectors) out[id] = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
    return out;
  }

  static fromJSON(json: Readonly<Record<string, string>>): VectorIndex {
    const index = new VectorIndex();
    for (const [id, b64] of Object.entries(json)) {
      const bytes = Buffer.from(b64, 'base64');
      const copy = new Uint8Array(bytes).buffer;
      index.#vectors.set(id, new Float32Array(copy));
    }
    return index;
  }
}

function normalized(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm === 0 || Math.abs(norm - 1) < 1e-6) return v;
  return v.map((x) => x / norm);
}

/** Reciprocal rank fusion (k = 60): merges ranked lists without comparing their incompatible scores. */
export function reciprocalRankFusion(lists: readonly (readonly string[])[], k = 60): Map<string, number> {
  const scores = new Map<string, number>();
  for (const list of lists) {
    list.forEach((id, rank) => {
      scores.set(id, (scores.get(id) ?? 0) + 1 / (k + rank + 1));
    });
  }
  return scores;
}
