import { defineCommand } from '../src/chat/command.ts';
import { errorReply, text } from '../src/chat/reply.ts';
import { NO_VOICE_MESSAGE } from './join.ts';

/** /leave: ends the voice conversation and leaves the channel. */
export const leaveCommand = defineCommand({
  name: 'leave',
  description: 'End the voice conversation and leave the voice channel',
  visibility: 'public',
  surfaces: ['discord', 'web'],
  options: {},
  async run(ctx) {
    if (!ctx.voice) return errorReply({ code: 'voice.unsupported', message: NO_VOICE_MESSAGE });
    const left = await ctx.voice.leave();
    return left.ok ? text('Left the voice channel. Bye!') : errorReply(left.error);
  },
});
