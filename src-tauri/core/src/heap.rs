//! glibc's allocator, for a process that keeps big attendee lists all day and answers many
//! short requests (pages, IPC) beside them.

/// Called when the window starts, before it starts its threads.
///
/// glibc gives each thread that contends its own heap (up to 8 per core), and memory freed in
/// one is never reused by another: after the demo's lists are built on one thread and served
/// on others, the window sat on tens of MB of such holes. Two heaps are plenty for this app.
///
/// And glibc raises its mmap threshold to the size of the biggest block freed so far (a list
/// download's body and parse: megabytes, up to 32 MiB) and its trim threshold to twice that:
/// from then on every transient buffer below it comes from the heap, and up to that much freed
/// memory stays resident at the heap's top until the next `malloc_trim`. Fixed thresholds keep
/// big buffers mapped apart (returned to the OS when freed) and trim the heap's top past
/// 128 KiB, as glibc does until the first big free.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets glibc's allocator parameters; called before the app's threads.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 * 1024);
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
