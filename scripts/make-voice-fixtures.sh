#!/usr/bin/env bash
# Regenerates test/fixtures/voice: a few seconds of speech (espeak-ng), its reference PCM, and the same speech as
# Discord sends it: Opus, 48 kHz stereo, one packet per 20 ms. The outputs are committed, so tests need none of
# these tools: apt-get install -y espeak-ng ffmpeg
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/fixtures/voice
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

text="Where is my order? I would like to know when it arrives."
espeak-ng -v en-us -s 155 -w "$tmp/speech.wav" "$text"

# Reference signals: the speech at the rates the tests compare against (16 kHz what the model hears, 24 kHz what
# Nova Sonic speaks).
ffmpeg -v error -y -i "$tmp/speech.wav" -ar 16000 -ac 1 -f s16le "$out/speech-16k-mono.s16le"
ffmpeg -v error -y -i "$tmp/speech.wav" -ar 24000 -ac 1 -f s16le "$out/speech-24k-mono.s16le"

# Discord's format: libopus, 48 kHz stereo, 20 ms frames, voice mode; then the packets out of the Ogg container.
ffmpeg -v error -y -i "$tmp/speech.wav" -ar 48000 -ac 2 -c:a libopus -b:a 64k -frame_duration 20 \
  -application voip "$tmp/speech.ogg"
PATH="$PWD/node_modules/.bin:$PATH" node scripts/extract-opus-packets.ts "$tmp/speech.ogg" "$out/speech-48k-stereo-20ms.opus-packets"
ls -l "$out"
