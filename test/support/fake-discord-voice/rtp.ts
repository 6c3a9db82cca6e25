import { createCipheriv, createDecipheriv } from 'node:crypto';

/**
 * RTP as Discord voice carries it (Discord developer docs "Voice Connections": "Transport Encryption Modes",
 * "Sending and Receiving Voice"), for the `aead_aes256_gcm_rtpsize` mode: the 12-byte RTP header and, when the X
 * bit is set, the 4-byte extension header (0xBEDE + length) are authenticated but not encrypted; the extension
 * body and the Opus payload are encrypted; the 16-byte tag and then a 4-byte big-endian nonce counter follow.
 * The AES-GCM nonce is that counter padded with zeros to 12 bytes. (@discordjs/voice 0.19.2 VoiceReceiver
 * `decrypt` and Networking `encryptOpusPacket` implement the same layout; this file is the other end.)
 */
export const AES_GCM_RTPSIZE = 'aead_aes256_gcm_rtpsize';
export const XCHACHA_RTPSIZE = 'aead_xchacha20_poly1305_rtpsize';
export const OPUS_PAYLOAD_TYPE = 0x78;
const TAG = 16;
const NONCE_SUFFIX = 4;

export interface RtpOut {
  readonly sequence: number;
  readonly timestamp: number;
  readonly ssrc: number;
  /** Counter for the nonce suffix. */
  readonly nonce: number;
  readonly payload: Buffer;
  /** Adds a one-byte-header extension (an audio-level element) as Discord clients do. Default true. */
  readonly extension?: boolean;
}

/** A packet as a Discord client sends it to the voice server (and the server forwards it). */
export function sealRtp(key: Uint8Array, packet: RtpOut): Buffer {
  const extension = packet.extension ?? true;
  const header = Buffer.alloc(extension ? 16 : 12);
  header[0] = extension ? 0x90 : 0x80;
  header[1] = OPUS_PAYLOAD_TYPE;
  header.writeUInt16BE(packet.sequence & 0xffff, 2);
  header.writeUInt32BE(packet.timestamp >>> 0, 4);
  header.writeUInt32BE(packet.ssrc >>> 0, 8);
  let plain = packet.payload;
  if (extension) {
    header.writeUInt16BE(0xbede, 12);
    header.writeUInt16BE(1, 14);
    // One element: id 1 (ssrc-audio-level), 1 byte, voice activity + level; padded to 4 bytes.
    plain = Buffer.concat([Buffer.from([0x10, 0x80 | 30, 0, 0]), packet.payload]);
  }
  const suffix = Buffer.alloc(NONCE_SUFFIX);
  suffix.writeUInt32BE(packet.nonce >>> 0, 0);
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.concat([suffix, Buffer.alloc(8)]));
  cipher.setAAD(header);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([header, sealed, cipher.getAuthTag(), suffix]);
}

export interface RtpIn {
  readonly sequence: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly payload: Buffer;
}

/** Opens a packet the bot sent; throws if it does not authenticate. */
export function openRtp(key: Uint8Array, packet: Buffer): RtpIn {
  const extension = (packet[0] ?? 0) & 0x10;
  const headerLength = extension ? 16 : 12;
  const header = packet.subarray(0, headerLength);
  const suffix = packet.subarray(packet.length - NONCE_SUFFIX);
  const tag = packet.subarray(packet.length - NONCE_SUFFIX - TAG, packet.length - NONCE_SUFFIX);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.concat([suffix, Buffer.alloc(8)]));
  decipher.setAAD(header);
  decipher.setAuthTag(tag);
  let payload = Buffer.concat([
    decipher.update(packet.subarray(headerLength, packet.length - NONCE_SUFFIX - TAG)),
    decipher.final(),
  ]);
  if (extension) payload = payload.subarray(4 * packet.readUInt16BE(14));
  return {
    sequence: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    payload,
  };
}

/** The 74-byte IP discovery response: type 2, length 70, ssrc, the address (null-padded to 64), the port. */
export function discoveryResponse(ssrc: number, address: string, port: number): Buffer {
  const packet = Buffer.alloc(74);
  packet.writeUInt16BE(2, 0);
  packet.writeUInt16BE(70, 2);
  packet.writeUInt32BE(ssrc, 4);
  packet.write(address, 8, 'utf8');
  packet.writeUInt16BE(port, 72);
  return packet;
}

/** Whether a datagram is an IP discovery request (type 1, length 70); returns its ssrc. */
export function discoveryRequestSsrc(packet: Buffer): number | undefined {
  if (packet.length !== 74 || packet.readUInt16BE(0) !== 1 || packet.readUInt16BE(2) !== 70) return undefined;
  return packet.readUInt32BE(4);
}
