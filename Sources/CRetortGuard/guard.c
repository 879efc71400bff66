#define _GNU_SOURCE
#include "retort_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { SLOTS = 16, PATH_BYTES = 4096, NAME_BYTES = 256 };

static char temporaries[SLOTS][PATH_BYTES];
static volatile sig_atomic_t used[SLOTS];
static char tool_name[NAME_BYTES] = "retort";
static char input_label[PATH_BYTES];
static volatile sig_atomic_t read_depth;
static char alternate_stack[1 << 16];
static int installed; /* only a process with the handlers arms the read deadline */
/* Standard error while an input is read: the library's allocator may abort
   with its own message on a damaged file ("free(): invalid next size"), so
   during a read fd 2 points at /dev/null and the handlers write here. */
static volatile int saved_stderr = -1;
/* The child reading an input for this process (retort_guard_fork_reader),
   killed by the handlers so that it never outlives its parent. */
static volatile pid_t reader = 0;

int retort_guard_add_temporary(const char *path) {
  size_t n = strlen(path);
  if (n >= PATH_BYTES) return -1;
  for (int i = 0; i < SLOTS; i++) {
    if (used[i]) continue;
    memcpy(temporaries[i], path, n + 1);
    used[i] = 1; /* only now can a handler see the slot */
    return i;
  }
  return -1;
}

void retort_guard_remove_temporary(int slot) {
  if (slot >= 0 && slot < SLOTS) used[slot] = 0;
}

void retort_guard_enter_read(const char *label, unsigned seconds) {
  if (read_depth == 0) {
    size_t n = strlen(label);
    if (n >= PATH_BYTES) n = PATH_BYTES - 1;
    memcpy(input_label, label, n);
    input_label[n] = 0;
    if (installed) {
      alarm(seconds);
      int quiet = open("/dev/null", O_WRONLY | O_CLOEXEC);
      int saved = quiet >= 0 ? fcntl(2, F_DUPFD_CLOEXEC, 3) : -1;
      if (saved >= 0 && dup2(quiet, 2) >= 0) saved_stderr = saved;
      else if (saved >= 0) close(saved);
      if (quiet >= 0) close(quiet);
    }
  }
  read_depth = read_depth + 1;
}

void retort_guard_leave_read(void) {
  if (read_depth > 0) read_depth = read_depth - 1;
  if (read_depth == 0 && installed) {
    alarm(0);
    int saved = saved_stderr;
    if (saved >= 0) {
      dup2(saved, 2);
      saved_stderr = -1;
      close(saved);
    }
  }
}

static void put(const char *s) {
  size_t n = strlen(s);
  while (n > 0) {
    int fd = saved_stderr >= 0 ? saved_stderr : 2;
    ssize_t w = write(fd, s, n);
    if (w <= 0) return;
    s += w;
    n -= (size_t)w;
  }
}

static void remove_temporaries(void) {
  if (reader > 0) kill(reader, SIGKILL);
  for (int i = 0; i < SLOTS; i++)
    if (used[i]) unlink(temporaries[i]);
}

/* SIGSEGV and the like: one line, status 65 inside an input read, else 70. */
static void on_fatal(int sig) {
  remove_temporaries();
  put(tool_name);
  if (read_depth > 0) {
    put(": corrupt HDF5 input (the HDF5 library failed reading it): ");
    put(input_label);
    put("\n");
    _exit(65);
  }
  char number[4] = {0};
  int i = 0;
  if (sig >= 10) number[i++] = (char)('0' + sig / 10);
  number[i] = (char)('0' + sig % 10);
  put(": internal error (signal ");
  put(number);
  put(")\n");
  _exit(70);
}

/* SIGALRM: a read of an input that has not ended in its time (a damaged
   file can send the HDF5 library round a loop): one line, status 65. */
static void on_deadline(int sig) {
  (void)sig;
  if (read_depth == 0) return;
  remove_temporaries();
  put(tool_name);
  put(": corrupt HDF5 input (the HDF5 library did not finish reading it): ");
  put(input_label);
  put("\n");
  _exit(65);
}

/* SIGINT, SIGTERM, SIGHUP and SIGPIPE: no message, status 128 + N. */
static void on_stop(int sig) {
  remove_temporaries();
  _exit(128 + sig);
}

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP};
static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGALRM};

/* Installs `handler` for `sig` and unblocks it in this thread (and so in the
   threads it starts): a mask inherited from the parent must not hold back
   the handlers. */
static void handle(int sig, void (*handler)(int), int keep_ignored) {
  struct sigaction action;
  if (keep_ignored && sigaction(sig, NULL, &action) == 0 && action.sa_handler == SIG_IGN)
    return;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  memset(&action, 0, sizeof action);
  action.sa_handler = handler;
  action.sa_flags = SA_ONSTACK;
  sigfillset(&action.sa_mask);
  sigaction(sig, &action, NULL);
}

void retort_guard_install(const char *tool) {
  size_t n = strlen(tool);
  if (n >= NAME_BYTES) n = NAME_BYTES - 1;
  memcpy(tool_name, tool, n);
  tool_name[n] = 0;
  stack_t stack;
  memset(&stack, 0, sizeof stack);
  stack.ss_sp = alternate_stack;
  stack.ss_size = sizeof alternate_stack;
  sigaltstack(&stack, NULL);
  for (unsigned i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
    handle(fatal_signals[i], on_fatal, 0);
  handle(SIGINT, on_stop, 1);
  handle(SIGTERM, on_stop, 1);
  handle(SIGHUP, on_stop, 1);
  handle(SIGPIPE, on_stop, 0);
  handle(SIGALRM, on_deadline, 0);
  installed = 1;
}

pid_t retort_guard_fork_reader(int *read_fd, unsigned seconds) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return -1;
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if (pid == 0) {
    /* The child dies of its signals: its parent reports them. */
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigset_t fatal;
    sigemptyset(&fatal);
    for (unsigned i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++) {
      sigaction(fatal_signals[i], &action, NULL);
      sigaddset(&fatal, fatal_signals[i]);
    }
    sigprocmask(SIG_UNBLOCK, &fatal, NULL);
    for (unsigned i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
      sigaction(stop_signals[i], &action, NULL);
    for (int i = 0; i < SLOTS; i++) used[i] = 0;
    installed = 0;
    reader = 0;
    close(fds[0]);
    *read_fd = fds[1];
    alarm(seconds);
    return 0;
  }
  close(fds[1]);
  reader = pid;
  *read_fd = fds[0];
  return pid;
}

int retort_guard_wait_reader(pid_t pid) {
  int status = 0;
  pid_t done;
  do done = waitpid(pid, &status, 0);
  while (done < 0 && errno == EINTR);
  reader = 0;
  if (done < 0) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 256 + WTERMSIG(status) : -1;
}

void retort_guard_exit_reader(int status) { _exit(status); }
