// First: React's scheduler picks its yield primitive when it loads (immediate.ts).
import "./immediate";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App, bootRequests } from "./App";
import { api } from "./api";
import "./styles.css";
import "./features/theme/theme.css";
import { applyTheme, loadTheme } from "./features/theme/theme";

// Start-up milestones for tests/bench (performance marks; no cost worth naming).
performance.mark("qflow:main");

// Before the first render, so a pinned theme never flashes the other one.
applyTheme(loadTheme());

// Start-up's requests now: React's first render and its effects each wait for a task.
const boot = bootRequests(api);

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <App api={api} boot={boot} />
  </StrictMode>,
);
