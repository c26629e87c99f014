// Loopback update server and throwaway signing keys for the update tests
// (tests/e2e/updates.test.mjs, tests/package/update.test.mjs).
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join, resolve } from "node:path";

const TAURI = resolve("ui/node_modules/.bin/tauri");

/** A throwaway key pair without password, made by the Tauri CLI: [private key file, public key]. */
export function keyPair(dir, name) {
  const key = join(dir, name);
  execFileSync(TAURI, ["signer", "generate", "--ci", "-p", "", "-w", key], { stdio: "ignore" });
  return [key, readFileSync(`${key}.pub`, "utf8").trim()];
}

/** The `.sig` text for `file`, bound to `version` (what `requireSignedVersion` checks). */
export function sign(key, file, version) {
  execFileSync(TAURI, ["signer", "sign", "-f", key, "-p", "", "--app-version", version, file], { stdio: "ignore" });
  return readFileSync(`${file}.sig`, "utf8").trim();
}

/** Serves `answer()` ({manifest, artifact} or null) at /latest.json and /pkg.deb; logs each path. */
export async function startUpdateServer(answer) {
  const requests = [];
  const server = createServer((req, res) => {
    requests.push(req.url);
    const a = answer();
    if (a && req.url === "/latest.json") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(a.manifest));
    } else if (a && req.url === "/pkg.deb") {
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(a.artifact);
    } else res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    server,
    requests,
    endpoint: `${base}/latest.json`,
    /** A manifest for this server's package, under every Linux target the updater may look up. */
    manifest(version, signature) {
      const entry = { url: `${base}/pkg.deb`, signature };
      return {
        version,
        notes: "Faster start-up.",
        pub_date: "2026-12-01T10:00:00Z",
        platforms: { "linux-x86_64": entry, "linux-x86_64-deb": entry, "linux-x86_64-rpm": entry },
      };
    },
  };
}

/** The app inherits tauri-driver's environment: a wrapper gives it the update key and address
 * (read by debug builds only) and `extra` variables. */
export function appWrapper(dir, app, pub, endpoint, extra = {}) {
  const wrapper = join(dir, "app.sh");
  const vars = { QFLOW_E2E_UPDATE_PUBKEY: pub, QFLOW_E2E_UPDATE_ENDPOINT: endpoint, ...extra };
  const env = Object.entries(vars).map(([k, v]) => `${k}='${v}'`).join(" ");
  writeFileSync(wrapper, `#!/bin/sh\n${env} exec '${app}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}
