/** The scenario's `sequences` (delivery counted on the user's own streams): as written, and as validated. */

/**
 * A field of an incoming event: a dotted path into the event's first argument (`'seq'`,
 * `'meta.seq'`), or a function of the message (`(data, args) => data.n`).
 */
// biome-ignore lint/suspicious/noExplicitAny: the event's first argument is the user's own shape, read by their function
export type SequenceField<T = unknown> = string | ((data: any, args: unknown[]) => T);

/** One numbered stream of the user's own events (`sequences` in a scenario). */
export interface SequenceDecl {
  /** The incoming event that carries the numbers, e.g. `'tick'`. */
  event: string;
  /** Its sequence number (a whole number that grows by one per message of a key). */
  seq: SequenceField<number>;
  /** What separates sequence spaces, e.g. `'room'` (each room numbers its own messages). Default: one space. */
  key?: SequenceField;
  /**
   * The sender's timestamp in ms: wall clock (`Date.now()`) or this host's monotonic clock
   * (rtbench's `monoMs`). Gives the trend `seq:<name>` (delivery latency). Any other clock is refused.
   */
  sentAt?: SequenceField<number>;
}

/** A field as resolved: a path, or a function (kept in the scenario module, looked up by the generator). */
export type ResolvedField = { path: string } | { fn: true };

/** One validated `sequences` entry (serialisable; functions stay in the module). */
export interface ResolvedSequence {
  name: string;
  event: string;
  seq: ResolvedField;
  key: ResolvedField | null;
  sentAt: ResolvedField | null;
}
