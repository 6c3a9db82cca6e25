import type { JoinRequest } from '../../chat/voice-surface.ts';
import type { UserId } from '../../domain/ids.ts';
import { type AppError, appError, err, ok, type Result } from '../../domain/result.ts';
import type { Logger } from '../../ports/logger.ts';
import type { VoiceChannelIo } from '../../voice/channel-io.ts';
import { type RunningVoiceConversation, startVoiceConversation } from '../../voice/conversation-loop.ts';
import { awsRefusal } from '../aws-access.ts';
import { watchVoice } from '../ops/watch-voice.ts';
import type { ToolCaller } from '../tools.ts';
import { VOICE_GREETING, VOICE_TOOL_FILLER, type VoiceDeps } from './deps.ts';

export interface StartVoiceInput {
  readonly io: VoiceChannelIo;
  readonly request: JoinRequest;
  /** Who ran /join: tools act for them until someone else speaks. */
  readonly invoker: ToolCaller;
  /** Who another speaker is as a tool caller (e.g. a staff-role lookup); default: not staff. */
  readonly callerFor?: (speaker: UserId) => ToolCaller;
  readonly log: Logger;
}

/**
 * Starts a voice conversation for /join on any surface: picks the engine, applies "listen to me only", and decides
 * who tools act for (the last allowed speaker, never the model). Synchronous: nothing here waits, and the
 * Discord session manager needs the handle at once.
 */
export function startVoice(deps: VoiceDeps, input: StartVoiceInput): Result<RunningVoiceConversation, AppError> {
  const { request, invoker } = input;
  const refused = awsRefusal(deps);
  if (refused) return err(refused);
  const model = deps.models[request.engine];
  if (!model) {
    const other = request.engine === 'sonic' ? 'cascade' : 'sonic';
    return err(
      appError(
        'voice.engine_unavailable',
        `The ${request.engine} voice engine is not configured.`,
        deps.models[other] ? `Use engine:${other}.` : 'Set AWS credentials and SONIC_REGION to enable voice.',
      ),
    );
  }
  // Other speakers act for themselves, in the invoker's server.
  const callerFor =
    input.callerFor ??
    ((user: UserId): ToolCaller => ({ user, isStaff: false, ...(invoker.space ? { space: invoker.space } : {}) }));
  const voice = request.voice;
  const running = startVoiceConversation({
    io: input.io,
    model,
    tools: deps.tools(),
    caller: (speaker) => (speaker === undefined || speaker === invoker.user ? invoker : callerFor(speaker)),
    transcripts: request.transcripts,
    systemPrompt: deps.systemPrompt,
    greeting: VOICE_GREETING,
    filler: VOICE_TOOL_FILLER,
    log: input.log,
    ...(voice === undefined ? {} : { voice }),
    ...(request.model === undefined ? {} : { textModel: request.model }),
    ...(request.listen === 'me' ? { allowed: (speaker: UserId) => speaker === invoker.user } : {}),
    ...(deps.retry ? { retry: deps.retry } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.price ? { price: deps.price } : {}),
    ...(deps.onVoiceToVoice ? { onVoiceToVoice: (ms: number) => deps.onVoiceToVoice?.(ms, request.engine) } : {}),
  });
  const payer = request.payer;
  return ok(
    watchVoice(running, {
      io: input.io,
      engine: request.engine,
      log: input.log,
      ...(deps.ops ? { metrics: deps.ops.metrics, lifecycle: deps.ops.lifecycle } : {}),
      ...(deps.budgets && payer ? { budgets: { budgets: deps.budgets, payer } } : {}),
    }),
  );
}
