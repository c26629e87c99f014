// The yes and no sounds, made with WebAudio (no files): a short high double beep for yes, a
// longer low buzz for no. Silent where the machine has no audio output.
let ctx: AudioContext | null = null;

function tone(ac: AudioContext, at: number, freq: number, secs: number, type: OscillatorType) {
  const osc = ac.createOscillator();
  const gain = ac.createGain();
  osc.type = type;
  osc.frequency.value = freq;
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(0.25, at + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + secs);
  osc.connect(gain).connect(ac.destination);
  osc.start(at);
  osc.stop(at + secs + 0.02);
}

export function beep(yes: boolean): void {
  try {
    ctx ??= new AudioContext();
    const ac = ctx;
    if (ac.state === "suspended") void ac.resume();
    const t = ac.currentTime;
    if (yes) {
      tone(ac, t, 1320, 0.09, "sine");
      tone(ac, t + 0.12, 1760, 0.12, "sine");
    } else {
      tone(ac, t, 196, 0.45, "square");
    }
  } catch {
    // No audio device (or no WebAudio): the answer on screen is what counts.
  }
}
