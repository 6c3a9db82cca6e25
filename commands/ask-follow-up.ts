import { ask, rememberAnswer } from '../src/app/ask/ask.ts';
import { awsRefusal } from '../src/app/aws-access.ts';
import type { MessageHandler } from '../src/chat/command.ts';
import { errorReply } from '../src/chat/reply.ts';
import { progressSink } from './ask-progress.ts';
import { answerReply } from './ask-replies.ts';

/** A message in the thread of an /ask answer continues that conversation (same model, template and history). */
export const askFollowUp: MessageHandler = {
  name: 'ask-follow-up',
  async handle(ctx, message) {
    const key = ctx.place.threadKey;
    if (key === undefined || message.trim() === '') return undefined;
    const deps = ctx.deps.ask;
    const conversation = await deps.conversations.get(key);
    if (!conversation) return undefined;
    const refused = awsRefusal(ctx.deps);
    if (refused) return errorReply(refused);
    const progress = progressSink(ctx.reply);
    const result = await ask(deps, {
      prompt: message,
      continuing: conversation,
      signal: ctx.signal,
      onProgress: progress.onProgress,
    }).finally(progress.stop);
    if (!result.ok) return errorReply(result.error);
    await rememberAnswer(deps, key, result.value);
    return answerReply(result.value);
  },
};
