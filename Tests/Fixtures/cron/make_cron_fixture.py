"""Writes cron-next.tsv: for a few hundred cron expressions and several start dates, the next
three times croniter (a real cron implementation, the one Airflow uses) fires, in UTC.

Plumb's CronExpressionAgreementTests read the file and check that Plumb computes the same times.
Regenerate (and check that it does not change) with `make cron-fixture`, which installs croniter
into .build-cron/venv; by hand:

    python3 -m venv .build-cron/venv && .build-cron/venv/bin/pip install croniter
    .build-cron/venv/bin/python Tests/Fixtures/cron/make_cron_fixture.py > Tests/Fixtures/cron/cron-next.tsv

The expressions are drawn with a fixed seed, so the file is the same on every run. They leave out
what croniter reads differently from cron on purpose: a range whose ends are equal (`5-5`, which
croniter takes for a whole cycle) or that goes backwards (`5-2`, which croniter wraps round and
Plumb refuses).
"""
import datetime
import random
import sys

from croniter import croniter

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]


def item(rng, low, high, names=None):
    """One list item of a field: a value, a range, a step, or a name."""
    kind = rng.choice(["value", "value", "range", "step", "rangestep", "star"])
    def value(v):
        if names and rng.random() < 0.4:
            text = names[v - low if low == 1 else v % 7]
            return rng.choice([text, text.upper(), text.capitalize()])
        return str(v)
    if kind == "star":
        return "*"
    if kind == "value":
        return value(rng.randint(low, high))
    if kind == "step":
        return "*/" + str(rng.randint(2, max(2, (high - low) // 2)))
    # Ranges go upwards and end past their start: croniter reads `5-5` as a whole cycle starting
    # at 5 (it wraps ranges round), where cron and Plumb read it as 5 alone.
    a = rng.randint(low, high - 1)
    b = rng.randint(a + 1, high)
    text = value(a) + "-" + value(b)
    if kind == "rangestep":
        text += "/" + str(rng.randint(1, 4))
    return text


def field(rng, low, high, names=None, star_weight=0.45):
    if rng.random() < star_weight:
        return "*"
    count = rng.choice([1, 1, 1, 2, 3])
    items = [item(rng, low, high, names) for _ in range(count)]
    if count > 1:
        items = [i for i in items if i != "*"] or ["1"]
    return ",".join(items)


def expressions(rng, count):
    fixed = [
        "0 * * * *", "0 0 * * *", "0 0 * * 0", "0 0 1 * *", "0 0 1 */3 *", "0 0 1 1 *",
        "*/15 9-17 * * MON-FRI", "30 6 * * 1-5", "0 0 1-7 * MON", "0 0 29 2 *", "0 12 31 * *",
        "0 0 13 * FRI", "5 4 * * 7", "0 0 * * 0,7", "0 0 L * *".replace("L", "28-31"), "0 22 * * sun",
        "59 23 31 12 *", "0 0 */2 * *", "0 0 */2 * MON", "0 0 1-31 * MON", "0 0 * * 0-6", "0 0 5 * 0-7",
        "1-10/3 * * * *", "0 */6 * * *", "15,45 8,20 * JAN,jul *", "0 0 15 FEB-APR/2 *",
    ]
    result = list(fixed)
    while len(result) < count:
        parts = [
            field(rng, 0, 59, star_weight=0.15),
            field(rng, 0, 23, star_weight=0.3),
            field(rng, 1, 31),
            field(rng, 1, 12, MONTHS),
            field(rng, 0, 6, DAYS),
        ]
        text = " ".join(parts)
        if text not in result:
            result.append(text)
    return result


def main():
    rng = random.Random(20240101)
    starts = [
        datetime.datetime(2024, 1, 1, 0, 0),
        datetime.datetime(2024, 2, 28, 23, 59),
        datetime.datetime(2023, 12, 31, 23, 30),
        datetime.datetime(2025, 6, 15, 12, 7, 30),
    ]
    out = sys.stdout
    out.write("# expression\tstart\tnext1\tnext2\tnext3 (UTC; written by make_cron_fixture.py with croniter)\n")
    fmt = "%Y-%m-%dT%H:%M:%S"
    for expression in expressions(rng, 320):
        for start in starts:
            it = croniter(expression, start.replace(tzinfo=datetime.timezone.utc))
            times = [it.get_next(datetime.datetime).strftime(fmt) for _ in range(3)]
            out.write("\t".join([expression, start.strftime(fmt)] + times) + "\n")


if __name__ == "__main__":
    main()
