import { sharedMs } from '../shared/clock.ts';
import type { SessionCore } from './session-core.ts';

/**
 * The channel calls of a session (`subscribe`, `unsubscribe`, `publish`): the engine's own
 * channels where it has them (SocketCluster), else the reference app's acknowledged events of the
 * same names. Channels are subscribed again after an automatic reconnection.
 */
export class ChannelCalls {
  /** Channels subscribed, resubscribed after an automatic reconnection. */
  private channels: Set<string> | null = null;

  constructor(private readonly s: SessionCore) {}

  async subscribe(channel: string): Promise<void> {
    const ms = this.s.opts.ackTimeoutMs;
    if (this.s.transport()?.subscribe) await this.s.timed('subscribe', ms, () => this.s.transport()!.subscribe!(channel, ms));
    else await this.s.ack('subscribe', [channel], ms);
    (this.channels ??= new Set()).add(channel);
  }

  async unsubscribe(channel: string): Promise<void> {
    const ms = this.s.opts.ackTimeoutMs;
    if (this.s.transport()?.unsubscribe) await this.s.timed('unsubscribe', ms, () => this.s.transport()!.unsubscribe!(channel, ms));
    else await this.s.ack('unsubscribe', [channel], ms);
    this.channels?.delete(channel);
    this.s.forgetStreams(`\0ch\0${channel}\0`);
  }

  async publish(channel: string, data?: unknown): Promise<void> {
    const ms = this.s.opts.ackTimeoutMs;
    const payload = { ts: sharedMs(this.s.opts.clockOffsetMs ?? 0), data };
    if (this.s.transport()?.publish) await this.s.timed('publish', ms, () => this.s.transport()!.publish!(channel, payload, ms));
    else await this.s.ack('publish', [channel, payload], ms);
  }

  /** After an automatic reconnection: subscribe to every channel again, untimed. */
  async resubscribe(): Promise<void> {
    for (const channel of this.channels ?? []) await this.again(channel).catch(() => {});
  }

  private async again(channel: string): Promise<void> {
    const t = this.s.transport();
    if (t?.subscribe) await t.subscribe(channel, this.s.opts.ackTimeoutMs);
    else await t?.emitWithAck('subscribe', [channel], this.s.opts.ackTimeoutMs);
  }
}
