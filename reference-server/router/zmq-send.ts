/** Something with zeromq v6's `send`, which must not be called again before the last send settled. */
interface Sendable {
  send(frames: Array<string | Buffer>): Promise<void>;
}

/** Serialise sends on one ZeroMQ socket (zeromq v6 rejects concurrent sends with EBUSY). */
export function sendQueue(sock: Sendable): (frames: Array<string | Buffer>) => void {
  let tail: Promise<void> = Promise.resolve();
  return (frames) => {
    tail = tail.then(() => sock.send(frames)).catch(() => {});
  };
}
