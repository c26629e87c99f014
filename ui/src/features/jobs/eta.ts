// How long a job has left, in words: the bulk resend and the attendee import.

/** "about 4 s", "about 2 min", "about 1 min 30 s". */
export function etaText(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `about ${s} s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  return rest ? `about ${m} min ${rest} s` : `about ${m} min`;
}
