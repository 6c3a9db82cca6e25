import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import type { AudioResource, EndBehavior } from '@discordjs/voice';
import type { ReceiverLike } from '../../../../adapters/discord/voice/discord-voice-channel-io.ts';
import type { PlayerLike } from '../../../../adapters/discord/voice/playback-sink.ts';

const fixtures = new URL('../../../fixtures/voice/', import.meta.url);

/** The committed speech fixture as Discord would send it: one Opus packet per 20 ms. */
export const speechPackets = (): Buffer[] => {
  const data = readFileSync(new URL('speech-48k-stereo-20ms.opus-packets', fixtures));
  const packets: Buffer[] = [];
  for (let at = 0; at < data.length; ) {
    const length = data.readUInt16BE(at);
    packets.push(data.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return packets;
};

/** Raw s16le reference speech at 16 or 24 kHz. */
export const speechPcm = (rate: 16 | 24): Int16Array => {
  const data = readFileSync(new URL(`speech-${rate}k-mono.s16le`, fixtures));
  return new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
};

/** A receiver shaped like @discordjs/voice's: speaking events and per-user object-mode Opus streams. */
export class FakeReceiver implements ReceiverLike {
  readonly speaking = Object.assign(new EventEmitter(), { users: new Map<string, number>() });
  readonly subscriptions = new Map<string, PassThrough>();
  readonly requests: { userId: string; end: EndBehavior }[] = [];

  subscribe(userId: string, options: { end: EndBehavior }): PassThrough {
    this.requests.push({ userId, end: options.end });
    const existing = this.subscriptions.get(userId);
    if (existing) return existing;
    const stream = new PassThrough({ objectMode: true });
    this.subscriptions.set(userId, stream);
    stream.once('close', () => this.subscriptions.delete(userId));
    return stream;
  }

  /** A user's packet arrives: speaking starts (as the SpeakingMap does) and the packet reaches the subscriber. */
  packet(userId: string, packet: Buffer): void {
    if (!this.speaking.users.has(userId)) {
      this.speaking.users.set(userId, Date.now());
      this.speaking.emit('start', userId);
    }
    this.subscriptions.get(userId)?.write(packet);
  }

  stopSpeaking(userId: string): void {
    this.speaking.users.delete(userId);
    this.subscriptions.get(userId)?.end();
  }
}

export class FakePlayer implements PlayerLike {
  readonly resources: AudioResource[] = [];
  stops = 0;
  play(resource: AudioResource): void {
    this.resources.push(resource);
  }
  stop(): boolean {
    this.stops++;
    return true;
  }
}
