/// The Python Luigi modules of the keep-alive scenario (issue 21): `Fetch(i)` → `Compute(i)` →
/// `Report(count)`, where Python runs `Fetch` and `Report` and the other side runs `Compute`. Each
/// codebase declares the other's tasks as external ones, as two teams sharing a luigid would.
///
/// Written into the test's folder and run with the venv's Python. Every run appends
/// `<Task>(...) <language>` to `ran.log`; `Fetch` waits for the file `release-fetch`, so the test
/// decides when the data appears, after every worker has registered.
enum LuigiKeepAlivePipeline {
  /// Python's own side: `Pipeline(count)` wants every `Fetch(i)` and the `Report`.
  static let pythonModule = "keepalive_python"
  /// Luigi's twin of the Swift side, run in Plumb's place for the comparison: `Computes(count)`.
  static let twinModule = "keepalive_twin"

  private static let logRun = """
    import os
    import time

    import luigi


    def log_run(line):
        # O_APPEND: lines of several processes never overwrite each other.
        descriptor = os.open("ran.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(descriptor, (line + "\\n").encode())
        finally:
            os.close(descriptor)

    """

  static let pythonSource =
    logRun + """


      class Fetch(luigi.Task):
          i = luigi.IntParameter(default=1)

          def output(self):
              return luigi.LocalTarget("fetch-%d.txt" % self.i)

          def run(self):
              while not os.path.exists("release-fetch"):
                  time.sleep(0.01)
              log_run("Fetch(i=%d) python" % self.i)
              with self.output().open("w") as out:
                  out.write("%d\\n" % self.i)


      class Compute(luigi.ExternalTask):
          i = luigi.IntParameter(default=1)

          def output(self):
              return luigi.LocalTarget("compute-%d.txt" % self.i)


      class Report(luigi.Task):
          count = luigi.IntParameter(default=3)

          def requires(self):
              return [Compute(i=i) for i in range(1, self.count + 1)]

          def output(self):
              return luigi.LocalTarget("report-%d.txt" % self.count)

          def run(self):
              log_run("Report(count=%d) python" % self.count)
              total = sum(int(computed.open("r").read().split()[0]) for computed in self.input())
              with self.output().open("w") as out:
                  out.write("%d\\n" % total)


      class Pipeline(luigi.WrapperTask):
          count = luigi.IntParameter(default=3)

          def requires(self):
              return [Fetch(i=i) for i in range(1, self.count + 1)] + [Report(count=self.count)]

      """

  static let twinSource =
    logRun + """


      class Fetch(luigi.ExternalTask):
          i = luigi.IntParameter(default=1)

          def output(self):
              return luigi.LocalTarget("fetch-%d.txt" % self.i)


      class Compute(luigi.Task):
          i = luigi.IntParameter(default=1)

          def requires(self):
              return Fetch(i=self.i)

          def output(self):
              return luigi.LocalTarget("compute-%d.txt" % self.i)

          def run(self):
              log_run("Compute(i=%d) python-twin" % self.i)
              fetched = int(self.input().open("r").read().strip())
              with self.output().open("w") as out:
                  out.write("%d python-twin\\n" % (fetched * 10))


      class Computes(luigi.WrapperTask):
          count = luigi.IntParameter(default=3)

          def requires(self):
              return [Compute(i=i) for i in range(1, self.count + 1)]

      """
}
