//! glibc's allocator, for a process that keeps big attendee lists all day and answers many
//! short requests (pages, IPC) beside them.

/// Called when the window starts, before it starts its threads.
///
/// glibc gives each thread that contends its own heap (up to 8 per core), and memory freed in
/// one is never reused by another: after the demo's lists are built on one thread and served
/// on others, the window sat on tens of MB of such holes. Two heaps are plenty for this app.
///
/// Blocks of 1 MiB or more are mapped on their own and handed back whole when freed: the HTTP
/// body and parsed list of a big event load (several MB each). glibc's default threshold grows
/// to the largest block freed, so after the first load those blocks came from the heaps, and
/// the lists kept afterwards sat among their freed pages: with the demo's biggest event open,
/// the window's two heaps held 15-20 MiB (a different figure each start; a trim freed none of
/// it), and about 10 MiB with the threshold fixed (3 and 4 starts). Fixed at 128 KiB instead,
/// every studio keystroke's buffers were mapped and unmapped, doubling its Rust time; at 1 MiB
/// the studio bench shows no change (0.2 / 0.3 ms of Rust per keystroke, p50 / p95, before and
/// after, side by side). `release_free` trims the rest after a list load.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets glibc's allocator parameters; called before the app's threads.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024);
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
