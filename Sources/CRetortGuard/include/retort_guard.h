#ifndef RETORT_GUARD_H
#define RETORT_GUARD_H

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

#endif
