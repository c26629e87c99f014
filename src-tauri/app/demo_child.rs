//! `--demo`: the embedded sandbox (the fake Qflow server) runs in a child process forked at the
//! very start of the window, before the toolkit or any thread of ours exists. In real use Qflow is a
//! remote server; with the demo's 50,000 attendees its store, its code and its JSON answers
//! would otherwise sit in the window's own heap. The child shares the window's pages until
//! either writes them (fork), seeds while the window starts (on the other core), tells its
//! address through a pipe, and dies with the window (`PR_SET_PDEATHSIG`, and killed at exit).
//! Its "records published" switch lives in one page shared by both processes, so the demo's
//! domain pre-check (window side) and `/domain/verify` (sandbox side) agree.
//!
//! Where forking is not possible (not Linux/glibc, other threads running, fork failing) the
//! window starts the sandbox in its own process, as tests and the CLI's `--demo` do.

use std::net::SocketAddr;
use std::sync::atomic::AtomicBool;

use qflow_core::{Error, Result};
use qflow_sandbox::SandboxConfig;

/// What the child process is called (`/proc/PID/comm`): `make bench-ui` counts it apart.
pub const CHILD_NAME: &str = "qflow-sandbox";

/// The demo sandbox's child process, as the window sees it.
pub struct DemoChild {
    pid: i32,
    /// The pipe the child writes its address to, read once.
    pipe: std::sync::Mutex<Option<std::fs::File>>,
    addr: tokio::sync::OnceCell<std::result::Result<SocketAddr, String>>,
    dns: &'static AtomicBool,
}

impl DemoChild {
    /// Fork the sandbox with `cfg` (its attendees seeded in the child). `None` when it cannot
    /// be forked: the caller starts it in-process instead.
    pub fn fork(cfg: SandboxConfig) -> Option<DemoChild> {
        imp::fork(cfg)
    }

    /// The child's address, once it listens (its seeding done).
    pub async fn addr(&self) -> Result<SocketAddr> {
        let got = self
            .addr
            .get_or_init(|| async {
                let pipe = self.pipe.lock().unwrap_or_else(|e| e.into_inner()).take();
                let Some(pipe) = pipe else {
                    return Err("its address was already read".to_owned());
                };
                tokio::task::spawn_blocking(move || read_addr(pipe))
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()))
            })
            .await;
        got.clone().map_err(|e| {
            Error::Storage(format!(
                "Could not start the demo sandbox on 127.0.0.1: {e}"
            ))
        })
    }

    /// The "records published" switch, shared with the child.
    pub fn dns_switch(&self) -> &'static AtomicBool {
        self.dns
    }

    /// Stop the child and reap it (window closed).
    pub fn stop(&self) {
        imp::stop(self.pid);
    }
}

/// The child writes `ADDR\n` once it listens, or `error: …\n`.
fn read_addr(pipe: std::fs::File) -> std::result::Result<SocketAddr, String> {
    use std::io::BufRead;
    let mut line = String::new();
    std::io::BufReader::new(pipe)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let line = line.trim();
    if line.is_empty() {
        return Err("the sandbox process ended before it listened".to_owned());
    }
    line.parse()
        .map_err(|_| line.strip_prefix("error: ").unwrap_or(line).to_owned())
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod imp {
    use std::io::Write;
    use std::os::fd::FromRawFd;
    use std::sync::atomic::AtomicBool;

    use qflow_sandbox::{Sandbox, SandboxConfig};

    use super::{DemoChild, CHILD_NAME};

    /// Threads of this process (fork copies only the calling one).
    fn threads() -> usize {
        std::fs::read_dir("/proc/self/task").map_or(usize::MAX, |d| d.count())
    }

    /// Threads that may run when `app::run` starts: ours, and WebKit's memory scavenger (libpas),
    /// which libwebkit2gtk's static constructors start before `main`. The scavenger holds only
    /// libpas's locks, which the child never takes (it runs Rust and glibc only; glibc's fork
    /// makes malloc safe in the child). Any other thread: no fork.
    const THREADS_AT_START: usize = 2;

    pub(super) fn fork(mut cfg: SandboxConfig) -> Option<DemoChild> {
        if threads() > THREADS_AT_START {
            tracing::debug!("demo sandbox in-process: threads already running");
            return None;
        }
        // SAFETY: a fresh anonymous shared page (zeroed: `false`), mapped for the rest of both
        // processes' lives; an AtomicBool has no alignment beyond a byte.
        let dns: &'static AtomicBool = unsafe {
            let page = libc::mmap(
                std::ptr::null_mut(),
                4096,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            if page == libc::MAP_FAILED {
                return None;
            }
            &*(page as *const AtomicBool)
        };
        let mut fds = [0; 2];
        // SAFETY: pipe2 fills two fds.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
            return None;
        }
        // SAFETY: getpid/fork; the only other thread is WebKit's scavenger (checked above),
        // whose locks the child never takes.
        let parent = unsafe { libc::getpid() };
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            // SAFETY: our own fds.
            unsafe {
                libc::close(fds[0]);
                libc::close(fds[1]);
            }
            return None;
        }
        if pid == 0 {
            // SAFETY: the read end is the window's.
            unsafe { libc::close(fds[0]) };
            cfg.dns_switch = Some(dns);
            // SAFETY: the write end is ours alone from here.
            let out = unsafe { std::fs::File::from_raw_fd(fds[1]) };
            child(cfg, out, parent);
        }
        // SAFETY: the write end is the child's.
        unsafe { libc::close(fds[1]) };
        Some(DemoChild {
            pid,
            // SAFETY: the read end is ours alone.
            pipe: std::sync::Mutex::new(Some(unsafe { std::fs::File::from_raw_fd(fds[0]) })),
            addr: tokio::sync::OnceCell::new(),
            dns,
        })
    }

    /// The sandbox child's CPU priority (nice; 0 = the window's).
    const DEMO_CHILD_NICE: i32 = 10;

    /// The child: serve until killed (the window's exit, or its death).
    fn child(cfg: SandboxConfig, mut out: std::fs::File, parent: i32) -> ! {
        let name = std::ffi::CString::new(CHILD_NAME).expect("no NUL");
        // SAFETY: prctl with constant options; the name is a valid C string.
        unsafe {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            libc::prctl(libc::PR_SET_NAME, name.as_ptr());
            // The window died before the death signal was armed.
            if libc::getppid() != parent {
                libc::_exit(0);
            }
            // A server that writes multi-MB JSON answers (a list of 22,500 attendees) and keeps
            // little else: every block of 128 KiB or more is mapped on its own and handed back
            // when freed, instead of staying in the heap after the answer went out.
            libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
            // The fake server seeds while the window and WebKit's processes start on the same
            // two cores: the window comes first (inherited by the runtime's threads).
            libc::setpriority(libc::PRIO_PROCESS, 0, DEMO_CHILD_NICE);
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build();
        let runtime = match runtime {
            Ok(rt) => rt,
            Err(e) => {
                let _ = writeln!(out, "error: {e}");
                // SAFETY: ends this process only.
                unsafe { libc::_exit(1) }
            }
        };
        runtime.block_on(async move {
            match Sandbox::start(cfg).await {
                Ok(sb) => {
                    let _ = writeln!(out, "{}", sb.addr());
                    drop(out);
                    // Served by the runtime's tasks until the process is killed.
                    std::future::pending::<()>().await;
                    drop(sb);
                }
                Err(e) => {
                    let _ = writeln!(out, "error: {e}");
                }
            }
        });
        // SAFETY: ends this process only, without the window's exit handlers.
        unsafe { libc::_exit(1) }
    }

    pub(super) fn stop(pid: i32) {
        // SAFETY: our own child, by pid; reaped so it leaves no zombie.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
            libc::waitpid(pid, std::ptr::null_mut(), 0);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod imp {
    use qflow_sandbox::SandboxConfig;

    use super::DemoChild;

    pub(super) fn fork(_: SandboxConfig) -> Option<DemoChild> {
        None
    }

    pub(super) fn stop(_: i32) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_line_or_the_reason() {
        let file = |text: &str| {
            let mut f = tempfile::tempfile().unwrap();
            std::io::Write::write_all(&mut f, text.as_bytes()).unwrap();
            std::io::Seek::rewind(&mut f).unwrap();
            f
        };
        assert_eq!(
            read_addr(file("127.0.0.1:4242\n")),
            Ok("127.0.0.1:4242".parse().unwrap())
        );
        assert_eq!(
            read_addr(file("error: Address in use\n")),
            Err("Address in use".to_owned())
        );
        assert!(read_addr(file("")).unwrap_err().contains("ended"));
    }
}
