//! glibc's allocator, for a process that keeps big attendee lists all day and answers many
//! short requests (pages, IPC) beside them.

/// Called when the window starts, before it starts its threads.
///
/// glibc gives each thread that contends its own heap (up to 8 per core), and memory freed in
/// one is never reused by another: after the demo's lists are built on one thread and served
/// on others, the window sat on tens of MB of such holes. Two heaps are plenty for this app.
///
/// glibc's dynamic mmap and trim thresholds are left as they are. Fixing them at 128 KiB kept
/// the window's heap a few MiB smaller and steadier (PSS +53.9…+54.7 MiB over the empty window
/// against +58.7…+62.7 without, 3 runs each), but every buffer above that size was then mapped
/// and unmapped on each use: the studio's per-keystroke Rust time went from 1.1 / 1.8 ms to
/// 2.0 / 4.5 ms (p50 / p95, side by side), the very slowdown issue 15 asks about. After a big
/// list load `release_free` hands the freed heap back instead.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets glibc's allocator parameters; called before the app's threads.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Hand freed heap back to the OS after a big list load. Loading 50,000 attendees frees tens of
/// MB (HTTP buffers, the body, sort keys) in many small chunks that glibc keeps in its arenas
/// for ever; the desk app then sits on that memory all day. One trim costs about a millisecond.
pub fn release_free() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own arenas under their locks; no pointers are passed.
    unsafe {
        libc::malloc_trim(0);
    }
}
