// Clipboard through the Tauri plugin: navigator.clipboard is unreliable in WebKitGTK, and a
// copy button must only say "Copied" once the write really succeeded.
import { writeText } from "@tauri-apps/plugin-clipboard-manager";

export type CopyFn = (text: string) => Promise<void>;

export const copyText: CopyFn = (text) => writeText(text);
