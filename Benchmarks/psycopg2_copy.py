"""psycopg2's copy_expert for `make bench`: copies a file of rows (COPY's text format) into the
table parts, and prints the seconds from connecting to the commit, as Plumb's figure counts them.

    psycopg2_copy.py PORT PASSWORD FILE
"""

import sys
import time

import psycopg2


def main():
    port, password, path = sys.argv[1], sys.argv[2], sys.argv[3]
    started = time.perf_counter()
    connection = psycopg2.connect(
        host="127.0.0.1", port=port, dbname="plumbtest", user="plumb", password=password, sslmode="disable"
    )
    with open(path) as rows, connection.cursor() as cursor:
        cursor.copy_expert("COPY parts (batch, id, name) FROM STDIN", rows, size=65536)
    connection.commit()
    connection.close()
    print(f"{time.perf_counter() - started:.4f}")


if __name__ == "__main__":
    main()
