import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

/**
 * The voice server's side of DAVE's MLS group: the external sender (daveprotocol.com "dave_mls_external_sender_
 * package (25)" and "dave_mls_proposals (27)"; RFC 9420 §6 framing, §5.1.2 SignWithLabel, §12.1.8.1 external
 * senders). It only signs Add proposals over members' key packages; members (davey on both ends) commit, welcome
 * and derive the media keys. Ciphersuite 2 (MLS_128_DHKEMP256_AES128GCM_SHA256_P256): ECDSA P-256 with SHA-256,
 * DER signatures, uncompressed public keys, as OpenMLS (davey's MLS) expects.
 */
const MLS10 = 1;
const PUBLIC_MESSAGE = 1;
const SENDER_EXTERNAL = 2;
const CONTENT_PROPOSAL = 2;
const PROPOSAL_ADD = 1;
const CREDENTIAL_BASIC = 1;

/** RFC 9420 §2.1.2 variable-length integer. */
export function varint(n: number): Buffer {
  if (n < 0x40) return Buffer.from([n]);
  if (n < 0x4000) return Buffer.from([0x40 | (n >> 8), n & 0xff]);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((0x80000000 | n) >>> 0);
  return out;
}

/** opaque<V>: a varint length, then the bytes. */
export const vector = (bytes: Uint8Array): Buffer => Buffer.concat([varint(bytes.length), bytes]);

const u16 = (n: number): Buffer => {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(n);
  return out;
};

export class DaveExternalSender {
  readonly #privateKey: KeyObject;
  readonly #publicKey: Buffer;
  readonly #identity: Buffer;

  constructor(identity = 'discord voice server') {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#privateKey = privateKey;
    // SubjectPublicKeyInfo DER for P-256 ends with the 65-byte uncompressed point.
    this.#publicKey = publicKey.export({ type: 'spki', format: 'der' }).subarray(-65);
    this.#identity = Buffer.from(identity);
  }

  /** ExternalSender { SignaturePublicKey signature_key; Credential credential } (op 25 payload). */
  serialized(): Buffer {
    return Buffer.concat([vector(this.#publicKey), u16(CREDENTIAL_BASIC), vector(this.#identity)]);
  }

  /** An MLSMessage (PublicMessage, external sender 0) proposing to add the member whose key package this is. */
  addProposal(groupId: Buffer, epoch: bigint, keyPackage: Buffer): Buffer {
    const epochBytes = Buffer.alloc(8);
    epochBytes.writeBigUInt64BE(epoch);
    const senderIndex = Buffer.alloc(4);
    const content = Buffer.concat([
      vector(groupId),
      epochBytes,
      Buffer.from([SENDER_EXTERNAL]),
      senderIndex,
      vector(Buffer.alloc(0)), // authenticated_data
      Buffer.from([CONTENT_PROPOSAL]),
      u16(PROPOSAL_ADD),
      keyPackage,
    ]);
    // FramedContentTBS for an external sender carries no group context.
    const tbs = Buffer.concat([u16(MLS10), u16(PUBLIC_MESSAGE), content]);
    const signContent = Buffer.concat([vector(Buffer.from('MLS 1.0 FramedContentTBS')), vector(tbs)]);
    const signature = sign('sha256', signContent, this.#privateKey);
    return Buffer.concat([u16(MLS10), u16(PUBLIC_MESSAGE), content, vector(signature)]);
  }
}

/** The dave_mls_proposals (27) payload: operation type (0 = append), then the MLSMessages as one opaque<V>. */
export const appendProposals = (messages: readonly Buffer[]): Buffer =>
  Buffer.concat([Buffer.from([0]), vector(Buffer.concat(messages))]);

/** DAVE's MLS group id: the channel id as a big-endian u64. */
export const daveGroupId = (channelId: string): Buffer => {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(BigInt(channelId));
  return out;
};
