import type { Tool } from '../../src/app/tools.ts';
import type { JoinRequest, VoiceSurface } from '../../src/chat/voice-surface.ts';
import { appError, err, ok } from '../../src/domain/result.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { VoiceModel } from '../../src/ports/voice-model.ts';
import { type RunningVoiceConversation, startVoiceConversation } from '../../src/voice/conversation-loop.ts';
import type { PlaygroundVoiceHook } from './voice-route.ts';

export interface ConversationVoiceOptions {
  /** The engines configured (Nova Sonic, the Transcribe -> Converse -> Polly cascade); missing ones are refused. */
  readonly models: Partial<Record<JoinRequest['engine'], VoiceModel>>;
  /** Tools the model may call for the speaker (order tools); read at join time so late registrations count. */
  readonly tools: () => readonly Tool[];
  readonly systemPrompt?: string;
  readonly log: Logger;
}

/**
 * The playground's voice: each microphone socket runs one conversation loop (src/voice) with a VoiceModel.
 * The browser tab belongs to one user, so the loop listens to that user only and tools act for them.
 * Returns a hook that yields undefined when no engine is configured, so the page says voice is not set up.
 */
export function conversationVoice(options: ConversationVoiceOptions): PlaygroundVoiceHook {
  return ({ invoker, io, channelName }): VoiceSurface | undefined => {
    if (!options.models.sonic && !options.models.cascade) return undefined;
    const log = options.log.child({ platform: 'web', user: invoker.user });
    let running: RunningVoiceConversation | undefined;
    return {
      async join(request) {
        const model = options.models[request.engine];
        if (!model) {
          const other = request.engine === 'sonic' ? 'cascade' : 'sonic';
          return err(
            appError(
              'voice.engine_unavailable',
              `The ${request.engine} voice engine is not configured here.`,
              options.models[other] ? `Use engine:${other}.` : 'Set AWS credentials to enable voice.',
            ),
          );
        }
        if (running) return ok({ channelName });
        const conversation = startVoiceConversation({
          io,
          model,
          tools: options.tools(),
          caller: () => ({ user: invoker.user, isStaff: invoker.isStaff }),
          allowed: (speaker) => speaker === invoker.user,
          transcripts: request.transcripts,
          log,
          ...(request.voice === undefined ? {} : { voice: request.voice }),
          ...(options.systemPrompt === undefined ? {} : { systemPrompt: options.systemPrompt }),
        });
        running = conversation;
        void conversation.done.then(async (end) => {
          if (running === conversation) running = undefined;
          if (end.status === 'failed') await io.post(`Voice stopped: ${end.message}`);
        });
        return ok({ channelName });
      },
      async leave() {
        const conversation = running;
        running = undefined;
        await conversation?.stop();
        return ok(undefined);
      },
    };
  };
}
