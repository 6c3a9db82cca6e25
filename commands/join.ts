import { awsRefusal } from '../src/app/aws-access.ts';
import { payerOf } from '../src/app/budgets/pay.ts';
import { defineCommand } from '../src/chat/command.ts';
import { errorReply, text } from '../src/chat/reply.ts';
import type { JoinRequest } from '../src/chat/voice-surface.ts';
import { shippedAskChoices, suggest } from './ask-choices.ts';

export const NO_VOICE_MESSAGE = 'Voice works on Discord and the playground.';

/** /join: the bot joins your voice channel and talks with you (Nova 2 Sonic, or the Transcribe/Polly cascade). */
export const joinCommand = defineCommand({
  name: 'join',
  description: 'Bring the bot into your voice channel to talk with it',
  visibility: 'public',
  surfaces: ['discord', 'web'],
  // A voice channel belongs to a server.
  places: ['server'],
  options: {
    engine: {
      type: 'string',
      description: 'Speech engine (default: sonic)',
      required: false,
      choices: [
        { name: 'Nova 2 Sonic (speech to speech)', value: 'sonic' },
        { name: 'Transcribe + model + Polly (cascade)', value: 'cascade' },
      ],
    },
    voice: {
      type: 'string',
      description: 'Voice (Sonic: matthew, tiffany, amy...; cascade: a Polly voice such as Joanna)',
      required: false,
      maxLength: 30,
    },
    model: {
      type: 'string',
      description: 'cascade: the Bedrock model behind the voice (default: the configured one)',
      required: false,
      maxLength: 80,
      autocomplete: (query) => suggest(shippedAskChoices.models, query),
    },
    listen: {
      type: 'string',
      description: 'Who the bot listens to (default: everyone)',
      required: false,
      choices: [
        { name: 'everyone in the channel', value: 'everyone' },
        { name: 'only me', value: 'me' },
      ],
    },
    transcripts: {
      type: 'boolean',
      description: 'Write what each side says in the channel chat (default: on)',
      required: false,
    },
  },
  async run(ctx, values) {
    if (!ctx.voice) return errorReply({ code: 'voice.unsupported', message: NO_VOICE_MESSAGE });
    const refused = awsRefusal(ctx.deps);
    if (refused) return errorReply(refused);
    const voice = values.voice?.trim();
    if (voice !== undefined && !/^[A-Za-z][A-Za-z-]{1,29}$/.test(voice)) {
      return errorReply({
        code: 'voice.bad_voice',
        message: `"${voice}" is not a voice name.`,
        hint: 'Use a name such as matthew or tiffany (Sonic), or Joanna (cascade); leave it empty for the default.',
      });
    }
    const engine = values.engine === 'cascade' ? 'cascade' : 'sonic';
    if (values.model !== undefined) {
      if (engine !== 'cascade') {
        return errorReply({
          code: 'voice.model_needs_cascade',
          message: 'Nova 2 Sonic is a speech model of its own: `model` chooses the text model of the cascade engine.',
          hint: 'Add engine:cascade, or leave model out.',
        });
      }
      if (!ctx.deps.ask.catalog.get(values.model)) {
        const known = ctx.deps.ask.catalog.models.map((m) => `\`${m.id}\``).join(', ');
        return errorReply({
          code: 'ask.unknown_model',
          message: `I don't know the model \`${values.model}\`.`,
          hint: `Pick one of: ${known}.`,
        });
      }
    }
    // Voice minutes are checked here and charged as they pass (the session ends when they run out).
    const payer = ctx.deps.budgets ? payerOf(ctx) : undefined;
    const minutesLeft = payer && (await ctx.deps.budgets?.checkVoice(payer));
    if (minutesLeft && !minutesLeft.ok) return errorReply(minutesLeft.error);
    const request: JoinRequest = {
      ...(payer ? { payer } : {}),
      engine,
      listen: values.listen === 'me' ? 'me' : 'everyone',
      transcripts: values.transcripts ?? true,
      ...(voice ? { voice: voice.toLowerCase() } : {}),
      ...(values.model === undefined ? {} : { model: values.model }),
    };
    const joined = await ctx.voice.join(request);
    if (!joined.ok) return errorReply(joined.error);
    const who = request.listen === 'me' ? 'only you' : 'everyone';
    return text(
      `Joined **${joined.value.channelName}** (${request.engine === 'sonic' ? 'Nova 2 Sonic' : 'cascade'}), listening to ${who}. Talk to me! Use /leave when you are done.`,
    );
  },
});
