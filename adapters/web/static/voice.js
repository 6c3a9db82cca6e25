// Microphone voice: an AudioWorklet turns the mic into 16 kHz mono Int16 frames sent over /voice; the
// server's speech arrives as [uint32 sample rate][Int16 mono] frames, scheduled back to back, and stops
// at once when the server says `interrupted` (barge-in).

export class VoiceLink {
  /** @param {{name: string, staff: boolean, onLine: (text: string) => void, onState: (s: string) => void}} options */
  constructor(options) {
    this.options = options;
    this.sources = new Set();
    this.nextStart = 0;
    this.playedMs = 0;
  }

  async start() {
    const { name, staff, onLine, onState } = this.options;
    onState('connecting');
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
      this.context = new AudioContext();
      await this.context.audioWorklet.addModule('mic-worklet.js');
    } catch (error) {
      onLine(`Microphone unavailable: ${error.message}`);
      this.stop();
      return;
    }
    const url = new URL('voice', location.href.replace(/^http/, 'ws'));
    url.search = new URLSearchParams({ name, staff: String(staff) }).toString();
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    const source = this.context.createMediaStreamSource(this.stream);
    const worklet = new AudioWorkletNode(this.context, 'mic-downsampler', { numberOfInputs: 1, numberOfOutputs: 0 });
    worklet.port.onmessage = (e) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(e.data);
    };
    source.connect(worklet);
    this.worklet = worklet;
    socket.addEventListener('open', () => onState('listening'));
    socket.addEventListener('message', (e) => {
      if (typeof e.data !== 'string') return this.#play(e.data);
      const message = JSON.parse(e.data);
      if (message.type === 'interrupted') this.stopPlayback();
      else if (message.type === 'line') onLine(message.text);
      else if (message.type === 'joined') onLine(`Connected to ${message.channelName}. Speak any time.`);
    });
    socket.addEventListener('close', () => this.stop());
  }

  #play(buffer) {
    if (!this.context || buffer.byteLength < 6) return;
    const rate = new DataView(buffer).getUint32(0, true);
    const pcm = new Int16Array(buffer, 4, (buffer.byteLength - 4) >> 1);
    const audio = this.context.createBuffer(1, pcm.length, rate);
    const channel = audio.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) channel[i] = pcm[i] / 32768;
    const node = this.context.createBufferSource();
    node.buffer = audio;
    node.connect(this.context.destination);
    const at = Math.max(this.context.currentTime + 0.03, this.nextStart);
    node.start(at);
    this.nextStart = at + audio.duration;
    this.sources.add(node);
    node.onended = () => this.sources.delete(node);
    this.playedMs += audio.duration * 1000;
    document.body.dataset.voicePlayedMs = String(Math.round(this.playedMs));
  }

  /** Barge-in: silence now and forget what was queued. */
  stopPlayback() {
    for (const node of this.sources) {
      try {
        node.stop();
      } catch {
        // already stopped
      }
    }
    this.sources.clear();
    this.nextStart = 0;
    document.body.dataset.voiceInterrupted = String(Number(document.body.dataset.voiceInterrupted ?? 0) + 1);
  }

  stop() {
    if (this.stopped) return;
    this.stopped = true;
    this.stopPlayback();
    this.worklet?.disconnect();
    this.socket?.close();
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    void this.context?.close();
    this.options.onState('off');
  }
}
