"""Several editors, reviewers and readers at once on one SQLite file, in
threads: run in its own process by `test_sqlite_concurrency.py` (pytest's own
test database is in memory, where no other connection can compete).

Each editor thread proposes changes to its profile and a reviewer approves
each; reader threads read meanwhile. Prints one line of JSON: the versions
per profile and every error raised.
"""

import json
import sys
import threading

import django

django.setup()

from django.db import connection  # noqa: E402  (after django.setup())

from profiles import workflow  # noqa: E402
from profiles.models import Profile, Version  # noqa: E402
from tests.factories import (  # noqa: E402
    SourceFactory,
    editor_user,
    publish_profile,
    reviewer_user,
)


def main(editors: int, rounds: int, readers: int) -> dict:
    profiles = [publish_profile(f"Brigade {i}") for i in range(editors)]
    authors = [editor_user(username=f"editor{i}") for i in range(editors)]
    reviewer = reviewer_user(username="reviewer")
    errors: list[str] = []
    start = threading.Barrier(editors + readers)
    writing = threading.Event()

    def edit(index: int) -> None:
        try:
            start.wait()
            for round_ in range(rounds):
                change_request = workflow.submit_change_request(
                    profile=Profile.objects.get(pk=profiles[index].pk),
                    author=authors[index],
                    summary=f"Round {round_}",
                    proposals={
                        "size": workflow.Proposal(
                            [f"About {round_ + 1}00 in 2024"], [SourceFactory()]
                        )
                    },
                )
                workflow.approve(change_request, reviewer=reviewer)
        except Exception as error:  # reported, not raised: the test counts them
            errors.append(repr(error))
        finally:
            connection.close()

    def read() -> None:
        try:
            start.wait()
            while writing.is_set():
                list(Profile.objects.all())
                Version.objects.count()
        except Exception as error:  # as above
            errors.append(repr(error))
        finally:
            connection.close()

    writing.set()
    writers = [threading.Thread(target=edit, args=(i,)) for i in range(editors)]
    others = [threading.Thread(target=read) for _ in range(readers)]
    for thread in writers + others:
        thread.start()
    for thread in writers:
        thread.join()
    writing.clear()
    for thread in others:
        thread.join()
    return {
        "versions": sorted(Profile.objects.values_list("version", flat=True)),
        "errors": errors,
    }


if __name__ == "__main__":
    editors, rounds, readers = (int(arg) for arg in sys.argv[1:4])
    print(json.dumps(main(editors, rounds, readers)))
