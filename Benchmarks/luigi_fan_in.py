"""Luigi's side of `make bench`: the same fan-in of tiny file-writing tasks as plumb-bench.

Usage: luigi_fan_in.py FOLDER TASKS WORKERS
Prints the seconds luigi.build took (imports and start-up excluded) and exits 1 if it failed.
"""
import os
import sys
import time

import luigi


class Leaf(luigi.Task):
    n = luigi.IntParameter()

    def output(self):
        return luigi.LocalTarget(f"leaf/{self.n}.txt")

    def run(self):
        with self.output().open("w") as file:
            file.write(f"{self.n}\n")


class FanIn(luigi.Task):
    count = luigi.IntParameter()

    def requires(self):
        return [Leaf(n=n) for n in range(self.count)]

    def output(self):
        return luigi.LocalTarget("fan-in.txt")

    def run(self):
        with self.output().open("w") as file:
            file.write(f"{len(self.input())}\n")


def main():
    folder, tasks, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    os.chdir(folder)
    start = time.monotonic()
    ok = luigi.build([FanIn(count=tasks - 1)], workers=workers, local_scheduler=True, log_level="ERROR")
    elapsed = time.monotonic() - start
    if not ok:
        sys.exit(1)
    print(f"{elapsed:.3f}")


if __name__ == "__main__":
    main()
