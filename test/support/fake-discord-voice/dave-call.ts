import davey from '@snazzah/davey';
import { appendProposals, type DaveExternalSender, daveGroupId } from './dave-external-sender.ts';

type Member = InstanceType<typeof davey.DAVESession>;
const DAVE_VERSION = 1;
const AUDIO = 0; // davey MediaType.AUDIO (a const enum, not importable under isolated modules)
const APPEND = 0; // davey ProposalsOperationType.APPEND

/** What the voice server must send the bot after a change in the group (binary payloads after the opcode). */
export interface ToBot {
  readonly proposals?: Buffer;
  readonly announceCommit?: Buffer;
  readonly welcome?: Buffer;
}

/**
 * One channel's DAVE call as the voice server sees it. The fake users are real DAVE members (davey, in process);
 * the first one commits every change (the server takes the first commit it receives, and an in-process member
 * always answers first). The bot is a real member on the other end of the wire. A transition applies when the
 * bot says it is ready (op 23): then the in-process members merge the commit, so they keep encrypting with the
 * old epoch's keys until the server executes the transition (op 22), as Discord clients do.
 */
export class DaveCall {
  readonly sender: DaveExternalSender;
  readonly #channelId: string;
  readonly #members = new Map<string, Member>();
  readonly #pending = new Map<number, () => void>();
  #leader: Member | undefined;
  #botIn = false;
  #transition = 0;

  constructor(channelId: string, sender: DaveExternalSender) {
    this.#channelId = channelId;
    this.sender = sender;
  }

  get epoch(): bigint {
    return this.#leader?.epoch ?? 0n;
  }

  /** A fake user joins the call; the bot (if in) gets the proposal and the leader's commit. */
  userJoins(userId: string): ToBot | undefined {
    const member = new davey.DAVESession(DAVE_VERSION, userId, this.#channelId);
    member.setExternalSender(this.sender.serialized());
    const keyPackage = member.getSerializedKeyPackage();
    this.#members.set(userId, member);
    const leader = this.#leader;
    if (!leader) {
      this.#leader = member;
      return undefined;
    }
    const proposals = appendProposals([this.sender.addProposal(daveGroupId(this.#channelId), this.epoch, keyPackage)]);
    const { commit, welcome } = leader.processProposals(APPEND, proposals.subarray(1), [...this.#members.keys()]);
    if (!commit || !welcome) throw new Error('the leader did not commit the add');
    const t = this.#next(() => {
      for (const [id, other] of this.#members) if (id !== userId) other.processCommit(commit);
      member.processWelcome(welcome);
    });
    if (!this.#botIn) {
      this.#pending.get(t)?.();
      this.#pending.delete(t);
      return undefined;
    }
    return { proposals, announceCommit: withTransition(t, commit) };
  }

  /** The bot's key package (op 26): the leader adds it, the bot gets a welcome. */
  botKeyPackage(botId: string, keyPackage: Buffer): ToBot | undefined {
    const leader = this.#leader;
    if (!leader) return undefined;
    const proposals = appendProposals([this.sender.addProposal(daveGroupId(this.#channelId), this.epoch, keyPackage)]);
    const { commit, welcome } = leader.processProposals(APPEND, proposals.subarray(1), [
      ...this.#members.keys(),
      botId,
    ]);
    if (!commit || !welcome) throw new Error('the leader did not commit the bot');
    this.#botIn = true;
    const t = this.#next(() => {
      for (const other of this.#members.values()) other.processCommit(commit);
    });
    return { welcome: withTransition(t, welcome) };
  }

  /** The bot is ready for a transition (op 23): the members apply it; the server then executes it (op 22). */
  ready(transitionId: number): boolean {
    const apply = this.#pending.get(transitionId);
    this.#pending.delete(transitionId);
    apply?.();
    return apply !== undefined;
  }

  /** A fake user's frame as their client sends it: DAVE-encrypted once they are in a ready group. */
  encrypt(userId: string, opus: Buffer): Buffer {
    const member = this.#members.get(userId);
    return member?.ready ? member.encryptOpus(opus) : opus;
  }

  /** The bot's frame as a fake user hears it; undefined if it does not decrypt. */
  decryptFromBot(botId: string, frame: Buffer): Buffer | undefined {
    const leader = this.#leader;
    if (!leader?.ready) return frame;
    try {
      return leader.decrypt(botId, AUDIO, frame);
    } catch {
      return undefined;
    }
  }

  #next(apply: () => void): number {
    this.#transition++;
    this.#pending.set(this.#transition, apply);
    return this.#transition;
  }
}

const withTransition = (transitionId: number, body: Buffer): Buffer => {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(transitionId);
  return Buffer.concat([head, body]);
};
