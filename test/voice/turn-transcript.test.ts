import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/ports/logger.ts';
import { TurnTranscript } from '../../src/voice/turn-transcript.ts';
import { MemoryChannelIo, MemoryMessages } from '../support/voice-loop-fakes.ts';

/** A place whose budget refuses every progress edit (a busy channel), counting what it was asked. */
class SpentBudget {
  spent = 0;
  open = 0;
  tryTake(): boolean {
    return false;
  }
  reserve(): () => void {
    this.open++;
    return () => {
      this.open--;
    };
  }
  spend(): void {
    this.spent++;
  }
}

function setup(budget?: SpentBudget, maxLength = 2000) {
  const io = new MemoryChannelIo();
  const messages = new MemoryMessages({ maxLength });
  if (budget) {
    Object.assign(messages, {
      budget: () => ({ tryTake: () => budget.tryTake(), open: () => budget.reserve(), spend: () => budget.spend() }),
    });
  }
  io.messages = messages;
  return { io, messages, transcript: new TurnTranscript(io, silentLogger) };
}

describe('TurnTranscript', () => {
  it('with the place out of edit budget, progress edits wait but the final text of the turn always lands', async () => {
    const budget = new SpentBudget();
    const { messages, transcript } = setup(budget);
    transcript.add('🗣️ where is my order');
    transcript.answer('🤖 It ships');
    transcript.answer('🤖 It ships today.');
    expect(budget.open).toBe(1);
    transcript.done('🤖 It ships today. It arrives Friday.');
    await transcript.settled();
    expect(messages.calls).toEqual([
      { kind: 'post', text: '🗣️ where is my order' },
      { kind: 'edit', id: '1', text: '🗣️ where is my order\n🤖 It ships today. It arrives Friday.' },
    ]);
    expect(budget.spent).toBe(1);
    expect(budget.open).toBe(0);
  });

  it('the bot speaking first opens a turn of its own; a long turn keeps its latest part within the limit', async () => {
    const { messages, transcript } = setup(undefined, 40);
    transcript.done('🤖 Hi everyone!');
    transcript.add('🗣️ tell me a long story please');
    transcript.done('🤖 Once upon a time there was a very long answer.');
    await transcript.settled();
    expect(messages.texts.get('1')).toBe('🤖 Hi everyone!');
    const second = messages.texts.get('2') ?? '';
    expect(second.length).toBeLessThanOrEqual(40);
    expect(second.startsWith('…')).toBe(true);
    expect(second.endsWith('a very long answer.')).toBe(true);
  });

  it('a chat that refuses the post leaves the conversation alone (no edit, no rejection)', async () => {
    const { io, messages, transcript } = setup();
    messages.post = () => Promise.reject(new Error('Missing Access'));
    transcript.add('🗣️ hi');
    transcript.done('🤖 Hello.');
    await transcript.settled();
    expect(messages.calls).toEqual([]);
    expect(io.lines).toEqual([]);
  });

  it('without editable messages each finished part is a line of its own', async () => {
    const io = new MemoryChannelIo();
    const transcript = new TurnTranscript(io, silentLogger);
    transcript.add('🗣️ hi');
    transcript.answer('🤖 Hel');
    transcript.done('🤖 Hello.');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(io.lines).toEqual(['🗣️ hi', '🤖 Hello.']);
  });
});
