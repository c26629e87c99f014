import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import "./styles.css";
import "./features/theme/theme.css";
import { applyTheme, loadTheme } from "./features/theme/theme";

// Start-up milestones for tests/bench (performance marks; no cost worth naming).
performance.mark("qflow:main");

// Before the first render, so a pinned theme never flashes the other one.
applyTheme(loadTheme());

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
