// Qflow's `error` on a delivery event (usually the receiving mail server's SMTP reply) in plain words.

const RULES: { test: RegExp; plain: string }[] = [
  { test: /suppression list/i, plain: "This address is on the account's suppression list (an earlier bounce, spam report or unsubscribe), so nothing was sent." },
  { test: /\b5\.1\.1\b|does not exist|user unknown|no such user|unknown user|mailbox unavailable/i, plain: "The address does not exist at the recipient's mail provider. Check the spelling with the attendee." },
  { test: /\b5\.1\.[0-9]+\b|domain not found|host not found|no mx/i, plain: "The address's domain does not receive email. Check the part after the @." },
  { test: /\b[45]\.2\.2\b|mailbox full|quota/i, plain: "The recipient's mailbox is full. Try again later or use another address." },
  { test: /\b5\.2\.1\b|disabled|inactive/i, plain: "The recipient's mailbox is disabled." },
  { test: /\b5\.7\.[0-9]+\b|blocked|spam|policy|blacklist|denied/i, plain: "The recipient's mail server refused the message (blocked by its policy or spam filter)." },
  { test: /^4\d\d\b|\b4\.\d\.\d+\b|try again later|temporar/i, plain: "A temporary problem at the recipient's mail server." },
  { test: /render/i, plain: "Qflow could not prepare the email (an internal failure)." },
];

/** A plain-words reading of a delivery error, or null when there is nothing to add to the raw text. */
export function plainReason(raw: string): string | null {
  const rule = RULES.find((r) => r.test.test(raw));
  return rule ? rule.plain : null;
}

export const EVENT_LABEL: Record<string, string> = {
  sent: "Sent — accepted for delivery",
  delivered: "Delivered — the recipient's server has it",
  opened: "Opened",
  bounced: "Bounced — the recipient's server refused it",
  dropped: "Dropped before delivery",
  spam_reported: "Marked as spam by the recipient",
  unsubscribed: "Unsubscribed",
  failed: "Failed inside Qflow",
};
