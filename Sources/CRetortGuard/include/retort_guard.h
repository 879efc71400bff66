#ifndef RETORT_GUARD_H
#define RETORT_GUARD_H

#include <sys/types.h>

/* The last line of defence of a Retort tool: signal handlers that remove the
   temporary output files and end the process with one line and an exit
   status, using only async-signal-safe calls (write, unlink, _exit).
   Paths are copied into preallocated buffers beforehand, so a handler
   never allocates. See docs/design.md, "Signals". */

/* Installs the handlers; `tool` names the tool in the lines they print.
   SIGINT, SIGTERM and SIGHUP keep an inherited SIG_IGN (nohup, background
   jobs). Call once, early in main. */
void retort_guard_install(const char *tool);

/* Registers a temporary output file to remove on a fatal or terminating
   signal; returns its slot, or -1 when every slot is taken or the path is
   too long (the file is then not removed by a signal). */
int retort_guard_add_temporary(const char *path);

/* Forgets the temporary file of `slot` (after it was renamed or removed). */
void retort_guard_remove_temporary(int slot);

/* Marks the start of a call into the HDF5 library that reads the input
   `label`; calls nest. A fatal signal inside is reported as corrupt input
   (status 65) rather than an internal error (70), and so is an outermost
   call that has not returned after `seconds` (SIGALRM; 0: no limit). */
void retort_guard_enter_read(const char *label, unsigned seconds);

/* Marks the end of the region begun by `retort_guard_enter_read`. */
void retort_guard_leave_read(void);

/* Starts a child process for a read that may corrupt memory (libhdf5 1.10.8
   copies variable-length data by sizes a damaged file chooses). Returns the
   child's pid to the parent, with `*read_fd` the read end of a pipe from the
   child; returns 0 in the child, with `*read_fd` the write end. The child
   dies of its signals, removes no temporary file and is killed by SIGALRM
   after `seconds` (0: no limit); a fatal or terminating signal of the
   parent kills it. -1 when no child could be started. */
pid_t retort_guard_fork_reader(int *read_fd, unsigned seconds);

/* Waits for the child `pid`: its exit status (0-255), 256 + the signal that
   ended it, or -1. */
int retort_guard_wait_reader(pid_t pid);

/* Ends the child at once (_exit), without running exit handlers that would
   flush the parent's HDF5 files and streams. */
void retort_guard_exit_reader(int status);

#endif
