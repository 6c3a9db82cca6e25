import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { Invoker } from '../../src/chat/context.ts';
import type { JoinRequest, SpeakerReceiveStatus, VoiceSurface } from '../../src/chat/voice-surface.ts';
import { userId } from '../../src/domain/ids.ts';
import { appError, err, type Result } from '../../src/domain/result.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { VoiceChannelIo } from '../../src/voice/channel-io.ts';
import { userName } from './protocol.ts';
import { WebVoiceChannelIo } from './voice-io.ts';

/** What the voice hook receives for one open microphone socket. */
export interface PlaygroundVoiceSession {
  readonly invoker: Invoker;
  readonly io: VoiceChannelIo;
  /** Shown by /join ("joined …"). */
  readonly channelName: string;
  /** What the microphone delivered so far (for /voice status). */
  readonly received?: () => SpeakerReceiveStatus;
}

/** Builds the voice surface (conversation loop + model) for one microphone; undefined when voice is not set up. */
export type PlaygroundVoiceHook = (session: PlaygroundVoiceSession) => VoiceSurface | undefined;

const notSetUp = 'Voice is not set up on this server: it needs AWS credentials for Amazon Nova Sonic (see README).';

const micQuery = z.object({
  name: userName,
  staff: z.enum(['true', 'false']).default('false'),
  engine: z.enum(['sonic', 'cascade']).default('sonic'),
  voice: z.string().max(64).optional(),
});

/**
 * The `/voice` WebSocket: one per pressed mic button. Connecting joins the conversation loop with that
 * socket as the channel; closing leaves it. Typed /join and /leave reach the same loop through `voiceFor`.
 */
export class PlaygroundVoice {
  readonly #hook: PlaygroundVoiceHook | undefined;
  readonly #log: Logger;
  readonly #active = new Map<string, VoiceSurface>();

  constructor(hook: PlaygroundVoiceHook | undefined, log: Logger) {
    this.#hook = hook;
    this.#log = log;
  }

  async connect(socket: WebSocket, query: unknown, staffAllowed = true): Promise<void> {
    const send = (line: string) => socket.send(JSON.stringify({ type: 'line', text: line }));
    const parsed = micQuery.safeParse(query);
    if (!parsed.success) {
      send('The microphone link needs ?name=<your playground name>.');
      socket.close(1008, 'bad query');
      return;
    }
    const { name, staff, engine, voice } = parsed.data;
    const invoker: Invoker = {
      user: userId('web', name),
      displayName: name,
      isStaff: staff === 'true' && staffAllowed,
    };
    const io = new WebVoiceChannelIo(socket, invoker.user, name);
    socket.on('message', (data, isBinary) => {
      if (isBinary) io.receive(toBuffer(data));
    });
    const received = (): SpeakerReceiveStatus => ({
      name,
      received: io.received,
      decoded: io.received - io.dropped,
      lost: io.dropped,
      concealed: 0,
      failures: 0,
    });
    const surface = this.#hook?.({ invoker, io, channelName: `${name}'s microphone`, received });
    if (!surface) {
      send(notSetUp);
      socket.close(1000, 'voice unavailable');
      return;
    }
    socket.on('close', () => {
      io.end();
      if (this.#active.get(name) === surface) this.#active.delete(name);
      void surface.leave().catch((error: unknown) => this.#log.warn({ err: error, platform: 'web' }, 'leave failed'));
    });
    this.#active.set(name, surface);
    const joined = await surface.join({ engine, listen: 'me', transcripts: true, ...(voice ? { voice } : {}) });
    if (!joined.ok) {
      send(`${joined.error.message}${joined.error.hint ? ` ${joined.error.hint}` : ''}`);
      socket.close(1000, 'join failed');
      return;
    }
    socket.send(JSON.stringify({ type: 'joined', channelName: joined.value.channelName }));
  }

  /** The voice surface a typed command sees: the user's open microphone, or a clear error. */
  voiceFor(invoker: Invoker): VoiceSurface {
    const active = () => this.#active.get(invoker.displayName);
    const noMic = (): Result<never> =>
      this.#hook
        ? err(
            appError('voice.no_microphone', 'Your microphone is not connected.', 'Press the microphone button first.'),
          )
        : err(appError('voice.not_configured', notSetUp));
    return {
      join: (request: JoinRequest) => active()?.join(request) ?? Promise.resolve(noMic()),
      leave: () => active()?.leave() ?? Promise.resolve(noMic()),
      status: () => active()?.status?.() ?? noMic(),
    };
  }
}

const toBuffer = (data: Buffer | ArrayBuffer | Buffer[]): Buffer =>
  Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
