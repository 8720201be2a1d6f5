/**
 * Test audio: a sine tone as 16-bit WAV (Chromium's fake capture file) and as G.711 μ-law
 * (the SIP side's PCMU), plus μ-law decoding and RMS to tell a tone from silence.
 * G.711 μ-law per ITU-T G.711 (segment/bias form).
 */
import { writeFileSync } from 'node:fs';

const BIAS = 0x84;
const CLIP = 32635;

export function linearToUlaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > CLIP) s = CLIP;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export function ulawToLinear(u: number): number {
  const v = ~u & 0xff;
  const sign = v & 0x80;
  const exponent = (v >> 4) & 0x07;
  const mantissa = v & 0x0f;
  const s = (((mantissa << 3) + BIAS) << exponent) - BIAS;
  return sign !== 0 ? -s : s;
}

/** RMS of μ-law samples, in linear 16-bit units. */
export function ulawRms(payload: Uint8Array): number {
  if (payload.length === 0) return 0;
  let sum = 0;
  for (const u of payload) {
    const x = ulawToLinear(u);
    sum += x * x;
  }
  return Math.sqrt(sum / payload.length);
}

/** 20 ms of a tone at 8 kHz as μ-law, continuing the phase from `startSample`. */
export function ulawToneFrame(startSample: number, hz = 1000, amplitude = 8000): Buffer {
  const out = Buffer.alloc(160);
  for (let i = 0; i < 160; i++) out[i] = linearToUlaw(amplitude * Math.sin((2 * Math.PI * hz * (startSample + i)) / 8000));
  return out;
}

/** Mono 16-bit PCM WAV of a tone (Chromium loops the file as its fake microphone). */
export function writeToneWav(path: string, seconds = 4, hz = 440, rate = 48000, amplitude = 10000): void {
  const n = seconds * rate;
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate)), i * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([h, data]));
}
