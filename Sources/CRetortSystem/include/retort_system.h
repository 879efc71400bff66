#ifndef RETORT_SYSTEM_H
#define RETORT_SYSTEM_H

/* The CPUs this process may run on: the affinity mask that taskset, a
   cgroup cpuset or Slurm's CPU binding leaves it (sched_getaffinity), or 0
   when the mask cannot be read. Glibc's Swift module does not declare
   sched_getaffinity, which needs _GNU_SOURCE. */
int retort_affinity_cpu_count(void);

#endif
