"""The `summitry` console command."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from summitry.rooms.janus.process import JanusSupervisor


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summitry.settings")
    import django

    django.setup()
    _activate_language()


def _activate_language() -> None:
    """Human-readable output in the language the environment asks for, as gettext reads it
    (SUMMITRY_LANGUAGE, else LANGUAGE, LC_ALL, LC_MESSAGES, LANG); English otherwise."""
    from django.utils import translation

    for name in ("SUMMITRY_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").split(":")[0].split(".")[0]
        if value and value not in ("C", "POSIX"):
            try:
                code = translation.get_supported_language_variant(value.replace("_", "-").lower())
            except LookupError:
                code = None
            if code:
                translation.activate(code)
            return


def _open_output(path: str | None) -> TextIO:
    if path is None or path == "-":
        return sys.stdout
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return open(path, "w", encoding="utf-8", newline="")


def cmd_migrate(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command

    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    # The migration made the cache table; this also covers a cache configured since.
    call_command("createcachetable", verbosity=0)
    return 0


def _start_local_janus() -> JanusSupervisor | None:
    """Live rooms: run a supervised local Janus unless instances are configured."""
    if os.environ.get("SUMMITRY_JANUS_INSTANCES") or not Path("/usr/bin/janus").exists():
        return None
    from summitry.rooms.janus.process import JanusStartError
    from summitry.rooms.local import start_local_janus

    try:
        supervisor = start_local_janus()
    except (JanusStartError, OSError) as exc:
        print(_("Live rooms are off: the local Janus could not start (%s)") % exc, flush=True)
        return None
    print(_("Janus (live rooms) is serving on %s") % supervisor.process.api_url, flush=True)
    return supervisor


def _site_url(host: str, port: int) -> str:
    wildcard = host in ("0.0.0.0", "::", "")  # noqa: S104 - recognising, not binding
    name = "127.0.0.1" if wildcard else host
    return f"http://{f'[{name}]' if ':' in name else name}:{port}"


def cmd_secret_key(args: argparse.Namespace) -> int:
    """Create the data folder's secret key once (mode 0600); settings read it from then on."""
    import secrets

    from django.conf import settings

    path = Path(settings.SECRET_KEY_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        print(_("Keeping the secret key in %s") % path)
        return 0
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(50) + "\n")
    print(_("Wrote a new secret key to %s") % path)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn
    from django.conf import settings
    from django.core.management import call_command

    from summitry.rooms.instances import local_ports_for_site

    if settings.SECRET_KEY == settings.INSECURE_DEFAULT_KEY and not settings.DEBUG:
        print(
            _(
                "summitry serve: refusing the public development secret key. Set"
                " SUMMITRY_SECRET_KEY, or run `summitry secret-key` once to keep a generated key"
                " in %s; SUMMITRY_DEBUG=1 allows the default for development."
            )
            % settings.SECRET_KEY_FILE,
            file=sys.stderr,
        )
        return 2
    cmd_migrate(args)
    call_command("collectstatic", interactive=False, verbosity=0)
    url = f"http://{args.host}:{args.port}/"
    print(
        _("Summitry is serving on %(url)s  (data in %(folder)s)")
        % {"url": url, "folder": settings.DATA_DIR},
        flush=True,
    )
    print(_("Sign in with an account listed by `summitry demo` (e.g. editor / editor-demo-2020)."))
    # The local Janus tells this server the moment someone publishes (floor moderation).
    os.environ.setdefault(
        "SUMMITRY_JANUS_EVENTS_URL", f"{_site_url(args.host, args.port)}/rooms/janus-events/"
    )
    # Another instance on another port gets other Janus ports (workers read these too).
    os.environ.update(local_ports_for_site(args.port, os.environ))
    supervisor = _start_local_janus()
    # uvicorn hands SIGTERM back once it has shut down: leave through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        uvicorn.run(
            "summitry.asgi:application",
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level=os.environ.get("SUMMITRY_UVICORN_LOG_LEVEL", "warning"),
            lifespan="on",  # each worker starts the rooms' sweep
            # Sans-I/O websockets: a send is one frame written, no drain lock (room fan-out).
            ws="websockets-sansio",
        )
    finally:
        # Janus runs in its own process group: stop it, or it outlives the server.
        if supervisor is not None:
            supervisor.stop()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from summitry.engagements.demo import load_demo

    cmd_migrate(args)
    report = load_demo()
    print(report)
    from summitry.outcomes.demo import load_demo_documents

    print(load_demo_documents())
    from summitry.commitments.demo import load_demo as load_commitments

    print(load_commitments())
    from summitry.assistance.demo import load_demo as load_assistance_demo

    print(load_assistance_demo())
    from summitry.knowledge.demo import load_demo as load_knowledge_demo

    print(load_knowledge_demo())
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from django.utils import translation

    from summitry.commitments.models import Commitment
    from summitry.review import render
    from summitry.review.commitments import section_over
    from summitry.review.queries import yearly_review

    review = yearly_review(args.year)
    # The operator's view: the whole register, as the review's figures above.
    commitments = section_over(Commitment.objects.all(), args.year)
    if args.format == "pdf":
        if not args.output or args.output == "-":
            print(_("summitry review: --format pdf needs -o FILE"), file=sys.stderr)
            return 2
        Path(args.output).write_bytes(render.review_pdf(review, args.language, commitments))
        print(_("Wrote %s") % args.output)
        return 0
    with translation.override(args.language):
        if args.format == "json":
            text = render.review_json(review, args.language, commitments)
        else:
            text = render.review_text(review, args.language, commitments)
    out = _open_output(args.output)
    out.write(text + "\n")
    if out is not sys.stdout:
        out.close()
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from summitry.engagements.importer import ImportFailed, import_file

    try:
        result = import_file(Path(args.file), fmt=args.format, dry_run=args.dry_run)
    except ImportFailed as failure:
        print(_("summitry import: nothing was imported from %s:") % args.file, file=sys.stderr)
        for problem in failure.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    counts = {"new": result.created, "updated": result.updated, "file": args.file}
    if args.dry_run:
        message = _("Would import %(new)s new and %(updated)s updated engagements from %(file)s.")
    else:
        message = _("Imported %(new)s new and %(updated)s updated engagements from %(file)s.")
    print(message % counts)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from summitry.engagements.exporter import export

    if args.format == "plover":
        return cmd_export_plover(args)
    if args.format == "iati":
        from summitry.assistance.cli import export_iati

        return export_iati(args)
    out = _open_output(args.output)
    count = export(out, fmt=args.format, year=args.year)
    if out is not sys.stdout:
        out.close()
        print(
            ngettext(
                "Wrote %(count)s engagement to %(file)s",
                "Wrote %(count)s engagements to %(file)s",
                count,
            )
            % {"count": count, "file": args.output},
            file=sys.stderr,
        )
    return 0


def cmd_export_plover(args: argparse.Namespace) -> int:
    from summitry.commitments import plover

    out = _open_output(args.output)
    count = plover.export(out, year=args.year)
    if out is not sys.stdout:
        out.close()
        print(
            ngettext(
                "Wrote %(count)s PLOVER event to %(file)s",
                "Wrote %(count)s PLOVER events to %(file)s",
                count,
            )
            % {"count": count, "file": args.output},
            file=sys.stderr,
        )
    return 0


def cmd_commitments(args: argparse.Namespace) -> int:
    from summitry.commitments import records
    from summitry.commitments.queries import visible_to

    pairs = records.selection(visible_to(None), year=args.year)
    out = _open_output(args.output)
    {"json": records.write_json, "csv": records.write_csv, "text": records.write_text}[args.format](
        out, pairs
    )
    if out is not sys.stdout:
        out.close()
    return 0


def cmd_assistance(args: argparse.Namespace) -> int:
    from summitry.assistance.cli import import_file, run, write_xlsx

    if args.import_file:
        return import_file(args)
    if args.format == "xlsx":
        return write_xlsx(args)
    return run(args, _open_output(args.output))


def cmd_schedule(args: argparse.Namespace) -> int:
    from summitry.scheduling import cli as schedule_cli

    return schedule_cli.run(args)


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["summitry manage", *args.arguments])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="summitry", description="Hold, plan, keep and show diplomacy at a distance."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="migrate and serve the web application")
    serve.add_argument("--host", default=os.environ.get("SUMMITRY_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("SUMMITRY_PORT", "8000")))
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve, django=True)

    sub.add_parser(
        "secret-key", help="create the data folder's secret key once (kept across runs)"
    ).set_defaults(func=cmd_secret_key, django=True)

    sub.add_parser("migrate", help="create or upgrade the database").set_defaults(
        func=cmd_migrate, django=True
    )
    sub.add_parser(
        "demo", help="load the demo data (running it twice changes nothing)"
    ).set_defaults(func=cmd_demo, django=True)

    from summitry.review.sentence import LANGUAGES  # no Django needed: a wrong code fails at once

    review = sub.add_parser("review", help="the yearly review of engagements")
    review.add_argument("year", type=int)
    review.add_argument("--format", choices=["text", "json", "pdf"], default="text")
    review.add_argument("-o", "--output", help="file to write (standard output by default)")
    review.add_argument(
        "--language", choices=LANGUAGES, default="en", help="the language of the review"
    )
    review.set_defaults(func=cmd_review, django=True)

    imp = sub.add_parser("import", help="import engagements from CSV or JSON, all or nothing")
    imp.add_argument("file")
    imp.add_argument("--format", choices=["csv", "json"], help="by default, from the file name")
    imp.add_argument("--dry-run", action="store_true", help="check the file, write nothing")
    imp.set_defaults(func=cmd_import, django=True)

    exp = sub.add_parser(
        "export",
        help="export engagements (CSV, JSON, iCalendar), events (PLOVER), assistance (IATI)",
    )
    exp.add_argument("--format", choices=["csv", "json", "ics", "plover", "iati"], required=True)
    exp.add_argument("--year", type=int)
    exp.add_argument("-o", "--output", help="file to write (standard output by default)")
    exp.set_defaults(func=cmd_export, django=True)

    pledges = sub.add_parser("commitments", help="the public record of commitments and progress")
    pledges.add_argument("--year", type=int, help="only those made in this year")
    pledges.add_argument("--format", choices=["text", "json", "csv"], default="text")
    pledges.add_argument("-o", "--output", help="file to write (standard output by default)")
    pledges.set_defaults(func=cmd_commitments, django=True)
    assistance = sub.add_parser("assistance", help="the assistance ledger's deliveries")
    assistance.add_argument("--year", type=int)
    assistance.add_argument(
        "--format", choices=["text", "json", "csv", "hxl", "xlsx"], default="text",
        help="hxl and xlsx: the spreadsheet columns with their HXL hashtags (xlsx needs -o)",
    )  # fmt: skip
    assistance.add_argument("-o", "--output", help="file to write (standard output by default)")
    assistance.add_argument("--import", dest="import_file", help="CSV or XLSX, all or nothing")
    assistance.add_argument(
        "--dry-run", action="store_true", help="check the import, write nothing"
    )
    assistance.set_defaults(func=cmd_assistance, django=True)

    schedule = sub.add_parser("schedule", help="find fair meeting times across time zones")
    from summitry.scheduling import cli as schedule_cli

    schedule_cli.add_arguments(schedule)
    schedule.set_defaults(func=cmd_schedule, django=False)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage, django=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        os.environ.setdefault("SUMMITRY_STATIC_FINDERS", "0")  # serve collects them first
        # Absolute links (feeds, exports) name the address served, unless one is configured.
        os.environ.setdefault("SUMMITRY_SITE_URL", _site_url(args.host, args.port))
    if args.django:
        _setup_django()
    try:
        result: int = args.func(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader left (`summitry export ... | head`): stop quietly, as `cat` would. Later
        # flushes at exit go nowhere instead of failing again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    return result


if __name__ == "__main__":
    sys.exit(main())
