// LD_PRELOAD for tests/bench/startup-order.sh: in the process running $QFLOW_ORDER_EXE only,
// before its own code runs, no read-around on faults in its executable (MADV_RANDOM). With the
// disk's read-ahead off and the file out of the page cache, the kernel then maps only pages the
// process ran (fault-around maps cached neighbours only): the pages it reads are the ones it ran.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

__attribute__((constructor)) static void order_shim(void) {
  const char *want = getenv("QFLOW_ORDER_EXE");
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (!want || n <= 0) return;
  exe[n] = 0;
  if (strcmp(exe, want) != 0) return;
  FILE *maps = fopen("/proc/self/maps", "r");
  if (!maps) return;
  char line[8192];
  while (fgets(line, sizeof line, maps)) {
    unsigned long from, to;
    char path[4096] = "";
    if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %4095s", &from, &to, path) >= 2 && strcmp(path, exe) == 0)
      madvise((void *)from, to - from, MADV_RANDOM);
  }
  fclose(maps);
}
