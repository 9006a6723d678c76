"""Times the network at size: seeds N published profiles whose connections
name each other, then prints how long the stored network takes to build,
to update on one publish, and to read on the pages that show it.

    .venv/bin/python bench/network.py [--profiles 2000] [--requests 20] [--old]

It builds a throwaway SQLite database in a temporary folder (DEBUG off, the
page cache off so every request renders), writes the profiles in bulk and
builds their edges with `rebuild_network`, publishes one new profile and
one edit through the workflow, and times each page through Django's test
client (no server). With --old it also times, once, what a profile page
did before the edges were stored: match every name against every profile.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SYLLABLES = [
    "ba", "qir", "fa", "te", "mi", "youn", "zai", "nab", "nu", "ja", "ba",
    "haq", "sa", "raya", "qu", "ds", "ka", "tai", "hiz", "bal", "lah", "asa",
    "ib", "ahl", "kh", "ra", "sha", "dir", "mu", "him", "man", "sur",
]  # fmt: skip


def group_names(count: int) -> list[str]:
    """`count` distinct names in the style of the profiles' ("Liwa Baqirfa")."""
    rng, names = random.Random(7), set()
    while len(names) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
        names.add(f"{rng.choice(['Liwa', 'Kata’ib', 'Saraya', 'Harakat'])} {word}")
    return sorted(names)


def connections(rng: random.Random, names: list[str], own: str) -> str:
    """Five bullets, most naming one or two other groups, some with a year."""
    bullets = []
    for _ in range(5):
        named = [name for name in rng.sample(names, 2) if name != own]
        year = rng.choice(["", f" since {rng.randint(2003, 2023)}"])
        bullets.append(
            f"Fought alongside {named[0]} in Syria{year}, under IRGC coordination¹"
            if rng.random() < 0.5
            else f"Splinter of {named[0]}; rival of {named[-1]} in Iraq{year}²"
        )
    bullets.append("Frequently employs imagery shared by other groups")
    return "\n".join(bullets)


def timed(call, repeat: int = 1) -> tuple[float, object]:
    started = time.perf_counter()
    for _ in range(repeat):
        result = call()
    return (time.perf_counter() - started) / repeat, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--old", action="store_true")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="network-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["CACHE_URL"] = "dummycache://"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_STATIC_ROOT"] = f"{folder}/static"

    import django

    django.setup()
    from django.core.management import call_command
    from django.core.signals import request_finished
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.utils import timezone

    from profiles import search, workflow
    from profiles.models import ChangeRequest, Connection, Profile
    from profiles.network import indexing
    from profiles.network.graph import graph
    from tests.factories import publish_profile

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    rng = random.Random(11)
    names = group_names(args.profiles + 1)
    texts = {name: connections(rng, names, name) for name in names}
    # Held back and published through the workflow once the others are in:
    # the name the most sections mention, the worst case for a publish.
    newcomer = max(names, key=lambda name: sum(name in t for t in texts.values()))
    names.remove(newcomer)
    now = timezone.now()
    seconds, _ = timed(
        lambda: Profile.objects.bulk_create(
            (
                Profile(
                    name=name,
                    slug=f"group-{i}",
                    version=1,
                    published_at=now,
                    connections_to_other_militias=texts[name],
                )
                for i, name in enumerate(names)
            ),
            batch_size=500,
        )
    )
    print(f"{args.profiles} profiles written in bulk: {seconds:.1f} s")
    seconds, _ = timed(search.index_all)
    print(f"search index built: {seconds:.1f} s")
    seconds, _ = timed(lambda: call_command("rebuild_network", verbosity=0))
    print(
        f"rebuild_network: {seconds:.2f} s, "
        f"{Connection.objects.count()} connections stored"
    )

    # Publishing: a new profile that others already name (its name is looked
    # for in every connections section), an edit of one's connections, and
    # a rename of the new one (its old and new names looked for).
    seconds, new = timed(
        lambda: publish_profile(
            newcomer,
            notes=2,  # the bullets cite notes 1 and 2
            connections_to_other_militias=texts[newcomer].splitlines(),
        )
    )
    print(
        f"publish a new profile named by {new.connections_received.count()} "
        f"others: {1000 * seconds:.0f} ms (the whole publish)"
    )
    for what, profile, values in [
        (
            "an edit of one connections section",
            Profile.objects.get(slug="group-0"),
            {
                "connections_to_other_militias": [
                    f"Beside {names[1]} since 2015",
                    f"Rival of {names[2]}",
                ]
            },
        ),
        (f"a rename of {newcomer}", new, {"name": f"{newcomer} Brigade"}),
    ]:
        change_request = workflow.submit_change_request(
            profile=profile,
            author=workflow.system_user(),
            summary="Bench change",
            proposals={
                name: workflow.Proposal(value) for name, value in values.items()
            },
            origin=ChangeRequest.Origin.IMPORT,
        )
        seconds, _ = timed(
            lambda change_request=change_request: workflow.publish_import(
                change_request
            )
        )
        print(f"publish {what}: {1000 * seconds:.0f} ms (the whole publish)")
    before = Profile.objects.get(pk=new.pk)
    seconds, _ = timed(
        lambda: indexing.index_profile(before, before=indexing.published_state(None))
    )
    print(
        f"  of which the network update, as for a new profile: {1000 * seconds:.0f} ms"
    )

    request_finished.disconnect(close_old_connections)
    client = Client()
    hub = max(Profile.objects.published(), key=lambda p: p.connections_received.count())
    pages = [
        f"/profiles/{hub.slug}/",
        "/profiles/group-1/",
        "/network/",
        f"/network/?profile={hub.slug}",
        "/network/?year=2010",
        f"/network/?q={names[5].split()[-1]}",
        "/api/v1/network/",
    ]
    print(f"{'page':40} {'queries':>7} {'KB':>6} {'ms/req':>8}")
    for page in pages:
        captured = []

        def count(execute, sql, params, many, context, captured=captured):
            captured.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(page)
        assert response.status_code == 200, (page, response.status_code)
        seconds, _ = timed(lambda page=page: client.get(page), args.requests)
        print(
            f"{page[:40]:40} {len(captured):7d} {len(response.content) / 1024:6.0f} "
            f"{1000 * seconds:8.1f}"
        )
    if args.old:
        seconds, _ = timed(lambda: graph(Profile.objects.published()))
        print(f"before: matching every name against every profile: {seconds:.1f} s")


if __name__ == "__main__":
    main()
