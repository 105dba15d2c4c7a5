/// A Python Luigi pipeline with the families of plumb-signals' `Part`, `FanIn`, `Booking` and `Bookings`, the same
/// parameters and the same files, so that a Python worker and a Plumb worker on one luigid share
/// their tasks. Written into the test's folder and run with the venv's Python.
enum LuigiSharePipeline {
  static let moduleName = "luigi_share"

  static let source = """
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


    class Part(luigi.Task):
        n = luigi.IntParameter(default=1)

        def output(self):
            return luigi.LocalTarget("part-%d.txt" % self.n)

        def run(self):
            log_run("Part(n=%d) python %d" % (self.n, os.getpid()))
            open("started-Part-%d" % self.n, "w").close()
            if os.path.exists("hold-part-%d" % self.n):
                while not os.path.exists("release-part-%d" % self.n):
                    time.sleep(0.01)
            with self.output().open("w") as out:
                out.write("%d\\n" % self.n)


    class FanIn(luigi.Task):
        count = luigi.IntParameter(default=10)

        def requires(self):
            return [Part(n=n) for n in range(1, self.count + 1)]

        def output(self):
            return luigi.LocalTarget("fan-in-%d.txt" % self.count)

        def run(self):
            log_run("FanIn(count=%d) python %d" % (self.count, os.getpid()))
            total = sum(int(part.open("r").read().strip()) for part in self.input())
            with self.output().open("w") as out:
                out.write("%d\\n" % total)


    class Booking(luigi.Task):
        n = luigi.IntParameter(default=1)
        resources = {"db": 1}

        def output(self):
            return luigi.LocalTarget("booking-%d.txt" % self.n)

        def run(self):
            log_run("Booking(n=%d) python %d" % (self.n, os.getpid()))
            open("started-Booking-%d" % self.n, "w").close()
            if os.path.exists("hold-booking-%d" % self.n):
                while not os.path.exists("release-booking-%d" % self.n):
                    time.sleep(0.01)
            with self.output().open("w") as out:
                out.write("%d\\n" % self.n)


    class Bookings(luigi.WrapperTask):
        count = luigi.IntParameter(default=2)

        def requires(self):
            return [Booking(n=n) for n in range(1, self.count + 1)]

    """
}
