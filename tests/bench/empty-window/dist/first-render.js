// The benchmark reads this: the wall-clock time (ms since the epoch) of the first frame.
requestAnimationFrame(() => {
  window.__qflowFirstRender = Date.now();
});
