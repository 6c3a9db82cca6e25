// Usage: node scripts/extract-opus-packets.ts in.ogg out.opus-packets
// Writes each Opus packet of an Ogg Opus file as a 2-byte big-endian length and the packet bytes
// (the format test/fixtures/voice readers expect).
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import prism from 'prism-media';

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error('Usage: node scripts/extract-opus-packets.ts in.ogg out.opus-packets');

const parts: Buffer[] = [];
const demuxer = createReadStream(input).pipe(new prism.opus.OggDemuxer());
for await (const packet of demuxer as AsyncIterable<Buffer>) {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(packet.length);
  parts.push(length, packet);
}
await writeFile(output, Buffer.concat(parts));
console.log(`${parts.length / 2} packets -> ${output}`);
