import type { VoiceDeps } from '../../src/app/voice/deps.ts';
import { startVoice } from '../../src/app/voice/start-voice.ts';
import type { JoinRequest, VoiceSurface } from '../../src/chat/voice-surface.ts';
import { appError, err, ok } from '../../src/domain/result.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { RunningVoiceConversation } from '../../src/voice/conversation-loop.ts';
import type { PlaygroundVoiceHook } from './voice-route.ts';

/**
 * The playground's voice: each microphone socket runs one conversation through the same `startVoice` use case
 * as Discord. The browser tab belongs to one user, so the loop listens to that user only and tools act for them.
 * Returns a hook that yields undefined when no engine is configured, so the page says voice is not set up.
 */
export function conversationVoice(voice: VoiceDeps, log: Logger): PlaygroundVoiceHook {
  return ({ invoker, io, channelName, received }): VoiceSurface | undefined => {
    if (!voice.models.sonic && !voice.models.cascade) return undefined;
    const sessionLog = log.child({ platform: 'web', user: invoker.user });
    let running: { readonly conversation: RunningVoiceConversation; readonly request: JoinRequest } | undefined;
    return {
      async join(request) {
        if (running) return ok({ channelName });
        const started = startVoice(voice, {
          io,
          request: { ...request, listen: 'me' },
          invoker: { user: invoker.user, isStaff: invoker.isStaff },
          log: sessionLog,
        });
        if (!started.ok) return started;
        const conversation = started.value;
        const entry = { conversation, request: { ...request, listen: 'me' as const } };
        running = entry;
        // The loop posts its own line when it ends; here only forget it so the mic can start a new one.
        void conversation.done.then(() => {
          if (running === entry) running = undefined;
        });
        return ok({ channelName });
      },
      async leave() {
        const entry = running;
        running = undefined;
        if (!entry) return ok({});
        await entry.conversation.stop();
        return ok({ summary: entry.conversation.summary() });
      },
      status() {
        if (!running) {
          return err(appError('voice.not_joined', 'No voice conversation is running.', 'Press the microphone button.'));
        }
        const stats = running.conversation.stats();
        return ok({
          channelName,
          engine: stats.engine,
          ...(stats.model ? { model: stats.model } : {}),
          listen: running.request.listen,
          connection: 'microphone connected',
          speakers: received ? [received()] : [],
          renewals: stats.renewals,
          turns: stats.turns,
          ...(stats.voiceToVoiceMs ? { voiceToVoiceMs: stats.voiceToVoiceMs } : {}),
          durationMs: running.conversation.summary().durationMs,
        });
      },
    };
  };
}
