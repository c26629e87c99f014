import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// Tauri: fixed port equal to devUrl, no screen clearing (cargo output stays visible),
// WebKitGTK-compatible output, and src-tauri is not the frontend's business.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  envPrefix: ["VITE_", "TAURI_ENV_*"],
  server: {
    port: 5173,
    strictPort: true,
    watch: { ignored: ["**/src-tauri/**", "**/target/**"] },
  },
  build: {
    target: "safari16",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // Everything ships as files: no data: URLs for the CSP to argue with.
    assetsInlineLimit: 0,
    rolldownOptions: {
      // ASCII-only JS (non-Latin-1 characters as \u escapes): WebKit then keeps each script's
      // source as 8-bit text instead of UTF-16, half the memory for the bundle held all session.
      output: { charset: "ascii" },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
    // Every core: Vitest's default (cores − 1) is a single worker on a 2-core machine, and most of
    // a file's time is setting up jsdom, which runs side by side well.
    maxWorkers: "100%",
  },
});
