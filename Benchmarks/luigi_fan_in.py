"""Luigi's side of `make bench`: the same fan-in of tiny file-writing tasks as plumb-bench.

Usage: luigi_fan_in.py FOLDER TASKS WORKERS [SCHEDULER_PORT]
With SCHEDULER_PORT the run goes through luigid on 127.0.0.1 at that port instead of the local scheduler.
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
    port = int(sys.argv[4]) if len(sys.argv) > 4 else None
    os.chdir(folder)
    scheduler = {"local_scheduler": True} if port is None else {"scheduler_host": "127.0.0.1", "scheduler_port": port}
    start = time.monotonic()
    ok = luigi.build([FanIn(count=tasks - 1)], workers=workers, log_level="ERROR", **scheduler)
    elapsed = time.monotonic() - start
    if not ok:
        sys.exit(1)
    print(f"{elapsed:.3f}")


if __name__ == "__main__":
    main()
