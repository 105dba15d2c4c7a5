"""Luigi's own CopyToTable for PostgresTests: the same family and parameters as Plumb's LoadParts.

python luigi_copy.py run|complete BATCH SIZE, with PLUMB_PG_PORT and PLUMB_PG_PASSWORD set;
prints `ran True` or `complete <bool> <task id>` on its last line.
"""
import os
import sys

import luigi
from luigi.contrib.postgres import CopyToTable


class LoadParts(CopyToTable):
    batch = luigi.Parameter()
    size = luigi.IntParameter(default=10)

    host = "127.0.0.1:" + os.environ.get("PLUMB_PG_PORT", "5432")
    database = "plumbtest"
    user = "plumb"
    password = os.environ.get("PLUMB_PG_PASSWORD", "")
    table = "parts"
    columns = [("batch", "TEXT"), ("id", "INT"), ("name", "TEXT")]

    def rows(self):
        for index in range(self.size):
            yield (self.batch, index, "part %d" % index)


if __name__ == "__main__":
    mode, batch, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    task = LoadParts(batch=batch, size=size)
    if mode == "run":
        ok = luigi.build([task], local_scheduler=True, log_level="WARNING")
        print("ran", ok)
    else:
        print("complete", task.complete(), task.task_id)
