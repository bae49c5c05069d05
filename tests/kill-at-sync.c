/* kill-at-sync.c: an LD_PRELOAD library for the stress tests. With
 * VISAGE_KILL_AT_SYNC=N in the environment, the process sends itself SIGKILL
 * at its Nth fsync or fdatasync, before it happens: the moment a kill hurts
 * most, when data is written but not yet durable. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

int fsync (int fd);
int fdatasync (int fd);

static int n_syncs;

static void
count_sync (void)
{
  static int kill_at = -1;

  if (kill_at < 0)
    {
      const char *at = getenv ("VISAGE_KILL_AT_SYNC");
      kill_at = at != NULL ? atoi (at) : 0;
    }
  if (kill_at > 0 && ++n_syncs == kill_at)
    raise (SIGKILL);
}

int
fsync (int fd)
{
  static int (*real) (int);

  if (real == NULL)
    real = (int (*) (int)) dlsym (RTLD_NEXT, "fsync");
  count_sync ();
  return real (fd);
}

int
fdatasync (int fd)
{
  static int (*real) (int);

  if (real == NULL)
    real = (int (*) (int)) dlsym (RTLD_NEXT, "fdatasync");
  count_sync ();
  return real (fd);
}
