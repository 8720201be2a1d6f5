/**
 * Is a tone in a recording, and for how long? Goertzel's algorithm gives the power at one
 * frequency per window; a window "has the tone" when that power is most of the window's energy
 * and the window is not silence. Counting such windows gives seconds of tone.
 */
export const WINDOW_SECONDS = 0.05;

/** Power at `frequency` relative to the window's total energy (0..1, about 1 for a pure tone). */
export function toneRatio(samples: ArrayLike<number>, start: number, length: number, frequency: number, sampleRate: number): number {
  const k = (2 * Math.cos((2 * Math.PI * frequency) / sampleRate));
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (let i = start; i < start + length; i++) {
    const x = samples[i];
    const s0 = x + k * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += x * x;
  }
  if (energy === 0) return 0;
  const power = s1 * s1 + s2 * s2 - k * s1 * s2;
  // For a pure tone filling the window, power ≈ energy * length / 2.
  return power / ((energy * length) / 2);
}

export interface ToneReport {
  /** Seconds of windows carrying `frequency`. */
  readonly toneSeconds: number;
  /** Seconds of windows with any signal above silence. */
  readonly signalSeconds: number;
  readonly totalSeconds: number;
}

/** Minimum RMS (of 16-bit samples) for a window to count as signal, about -50 dBFS. */
const SILENCE_RMS = 100;

export function detectTone(samples: ArrayLike<number>, sampleRate: number, frequency: number): ToneReport {
  const win = Math.round(WINDOW_SECONDS * sampleRate);
  let tone = 0;
  let signal = 0;
  for (let start = 0; start + win <= samples.length; start += win) {
    let energy = 0;
    for (let i = start; i < start + win; i++) energy += samples[i] * samples[i];
    if (Math.sqrt(energy / win) < SILENCE_RMS) continue;
    signal++;
    if (toneRatio(samples, start, win, frequency, sampleRate) > 0.6) tone++;
  }
  return { toneSeconds: tone * WINDOW_SECONDS, signalSeconds: signal * WINDOW_SECONDS, totalSeconds: samples.length / sampleRate };
}

/** G.711 µ-law to linear PCM (ITU-T G.711), for checking plain RTP payloads captured on the wire. */
export function ulawToLinear(u: number): number {
  const v = ~u & 0xff;
  const sign = v & 0x80;
  const exponent = (v >> 4) & 0x07;
  const mantissa = v & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return sign !== 0 ? -magnitude : magnitude;
}
