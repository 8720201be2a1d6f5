/** 16-bit PCM mono WAV files: the tone each phone plays (aufile) and what it recorded (sndfile). */
import { readFileSync, writeFileSync } from 'node:fs';

export const SAMPLE_RATE = 8000;

/** A sine tone at `frequency` Hz, `seconds` long, at about -12 dBFS. */
export function writeToneWav(path: string, frequency: number, seconds: number): void {
  const n = Math.round(seconds * SAMPLE_RATE);
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * frequency * i) / SAMPLE_RATE)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}

export interface PcmAudio {
  readonly sampleRate: number;
  readonly samples: Int16Array;
}

/** Reads a PCM16 WAV (walking its chunks; sndfile may write more than `fmt ` and `data`). */
export function readWav(path: string): PcmAudio {
  const buf = readFileSync(path);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path}: not a WAV file`);
  let pos = 12;
  let sampleRate = 0;
  let channels = 0;
  let bits = 0;
  while (pos + 8 <= buf.length) {
    const id = buf.toString('ascii', pos, pos + 4);
    // sndfile leaves the data size 0 or 0xffffffff when the recorder stops abruptly: then take the rest.
    let size = buf.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === 'data' && (size === 0 || body + size > buf.length)) size = buf.length - body;
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(body + 2);
      sampleRate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
    } else if (id === 'data') {
      if (bits !== 16 || channels !== 1) throw new Error(`${path}: expected 16-bit mono PCM, got ${bits}-bit ${channels} channels`);
      const samples = new Int16Array(Math.floor(size / 2));
      for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(body + i * 2);
      return { sampleRate, samples };
    }
    pos = body + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}
