import WebSocket from 'ws';

/** A playground microphone socket without a browser: what the server sent, split into JSON lines and PCM. */
export interface MicSocket {
  socket: WebSocket;
  texts: { type: string; text?: string; channelName?: string }[];
  binaries: Buffer[];
  closed: Promise<number>;
}

export async function openMic(url: string, query: string): Promise<MicSocket> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}voice?${query}`);
  const mic: MicSocket = {
    socket,
    texts: [],
    binaries: [],
    closed: new Promise((resolve) => socket.once('close', (code) => resolve(code))),
  };
  socket.on('message', (data, isBinary) => {
    const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
    if (isBinary) mic.binaries.push(buffer);
    else mic.texts.push(JSON.parse(buffer.toString()));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return mic;
}
