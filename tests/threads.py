"""Work run by several threads at once, as several server processes would run it."""

import threading

from django.db import connection


def at_once(work, times=2):
    """Run `work` in `times` threads started together, each on its own database connection;
    their results, or the first error one of them met."""
    results, errors = [], []

    def run():
        try:
            results.append(work())
        except Exception as error:  # noqa: BLE001 - raised below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
