/* The physical floor of `make bench`: the same files Plumb's benchmark writes, written atomically
 * by a plain C loop with no engine at all. Per file: stat the path (skip it if present), open a
 * temporary name, write the few bytes, close, rename onto the path; for a fan-in, then the fan-in
 * file the same way. Timed with CLOCK_MONOTONIC around the whole loop; prints the seconds.
 *
 *   atomic_floor FOLDER fan-in|chain TASKS
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int write_atomically(const char *path, const char *text) {
  struct stat info;
  if (stat(path, &info) == 0) return 0;
  char temporary[4096];
  snprintf(temporary, sizeof temporary, "%s-tmp", path);
  int descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (descriptor < 0) return -1;
  size_t length = strlen(text);
  if (write(descriptor, text, length) != (ssize_t)length) return -1;
  if (close(descriptor) != 0) return -1;
  return rename(temporary, path);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: atomic_floor FOLDER fan-in|chain TASKS\n");
    return 2;
  }
  const char *folder = argv[1];
  int fan_in = strcmp(argv[2], "fan-in") == 0;
  long tasks = atol(argv[3]);
  char path[4096], text[32];
  snprintf(path, sizeof path, "%s/%s", folder, fan_in ? "leaf" : "chain");
  if (mkdir(path, 0755) != 0) return 1;
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  long files = fan_in ? tasks - 1 : tasks;
  for (long n = 0; n < files; n++) {
    snprintf(path, sizeof path, "%s/%s/%ld.txt", folder, fan_in ? "leaf" : "chain", n);
    snprintf(text, sizeof text, "%ld\n", n);
    if (write_atomically(path, text) != 0) return 1;
  }
  if (fan_in) {
    snprintf(path, sizeof path, "%s/fan-in.txt", folder);
    snprintf(text, sizeof text, "%ld\n", files);
    if (write_atomically(path, text) != 0) return 1;
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  printf("%.6f\n", (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9);
  return 0;
}
