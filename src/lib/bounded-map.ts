/**
 * A `Map` that keeps at most `max` entries: setting a key makes it the newest, and a new key beyond
 * the bound pushes out the oldest. Enough for the process-local memos here (verified tokens, response
 * formats, recent target languages), without a cache library.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }

  override set(key: K, value: V): this {
    this.delete(key);
    if (this.size >= this.max) this.delete(this.keys().next().value!);
    return super.set(key, value);
  }
}
