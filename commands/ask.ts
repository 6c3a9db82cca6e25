import { ask, rememberAnswer } from '../src/app/ask/ask.ts';
import { compare, MAX_COMPARE, parseModelList } from '../src/app/ask/compare.ts';
import { MAX_PROMPT_CHARS } from '../src/app/ask/resolve.ts';
import { awsRefusal } from '../src/app/aws-access.ts';
import { defineCommand } from '../src/chat/command.ts';
import { errorReply } from '../src/chat/reply.ts';
import { type AskChoices, shippedAskChoices, suggest, suggestList } from './ask-choices.ts';
import { groundQuestion, withSources } from './ask-knowledge.ts';
import { progressSink } from './ask-progress.ts';
import { answerReply, CANCELLABLE, compareProgressReply, comparisonReply } from './ask-replies.ts';

/** /ask: one Bedrock model answers (streamed, with fallback), or 2-4 models side by side. */
export const askCommandWith = (choices: AskChoices) =>
  defineCommand({
    name: 'ask',
    description: 'Ask a Bedrock model; follow up in the answer thread',
    visibility: 'public',
    keepsResult: true,
    options: {
      prompt: {
        type: 'string',
        description: 'Your question',
        minLength: 1,
        maxLength: MAX_PROMPT_CHARS,
      },
      model: {
        type: 'string',
        description: 'Which model answers (default: the configured one)',
        required: false,
        autocomplete: (query) => suggest(choices.models, query),
      },
      template: {
        type: 'string',
        description: 'A prompt template (system prompt + wrapper)',
        required: false,
        choices: choices.templates,
      },
      kb: {
        type: 'string',
        description: 'on: answer from the shop documents (knowledge base), with sources',
        required: false,
        choices: [
          { name: 'on', value: 'on' },
          { name: 'off', value: 'off' },
        ],
      },
      compare: {
        type: 'string',
        description: `Compare 2-${MAX_COMPARE} models, comma separated (e.g. nova-lite,claude-haiku-4-5)`,
        required: false,
        autocomplete: (query) => suggestList(choices.models, query),
      },
    },
    async run(ctx, values) {
      const refused = awsRefusal(ctx.deps);
      if (refused) return errorReply(refused);
      const deps = ctx.deps.ask;
      if (values.compare !== undefined) {
        if (values.kb === 'on') {
          return errorReply({
            code: 'ask.kb_and_compare',
            message: '`kb:on` answers with one model; it does not work with `compare`.',
            hint: 'Drop `compare`, or drop `kb:on`.',
          });
        }
        if (values.model !== undefined) {
          return errorReply({
            code: 'ask.model_and_compare',
            message: 'Give either `model` or `compare`, not both.',
            hint: 'Put every model you want in `compare`, separated by commas.',
          });
        }
        const result = await compare(deps, {
          prompt: values.prompt,
          models: parseModelList(values.compare),
          signal: ctx.signal,
          onProgress: (done, total) => ctx.reply.progress(compareProgressReply(done, total), CANCELLABLE),
          ...(values.template === undefined ? {} : { template: values.template }),
        });
        return result.ok ? comparisonReply(result.value) : errorReply(result.error);
      }
      const grounding = values.kb === 'on' ? await groundQuestion(ctx, values.prompt) : undefined;
      if (grounding && !grounding.ok) return errorReply(grounding.error);
      const progress = progressSink(ctx.reply);
      const result = await ask(deps, {
        ...(grounding ? { context: grounding.value.context } : {}),
        prompt: values.prompt,
        signal: ctx.signal,
        onProgress: progress.onProgress,
        ...(values.model === undefined ? {} : { model: values.model }),
        ...(values.template === undefined ? {} : { template: values.template }),
      }).finally(progress.stop);
      if (!result.ok) return errorReply(result.error);
      // The key exists once the answer message does; follow-ups in its thread continue this conversation.
      const key = await ctx.reply.threadKey();
      if (key !== undefined) await rememberAnswer(deps, key, result.value);
      return grounding ? withSources(answerReply(result.value), grounding.value.footer) : answerReply(result.value);
    },
  });

export const askCommand = askCommandWith(shippedAskChoices);
