"""Benchmark: time from opening a join link to the first remote video frame on screen.

Summitry's page (``/rooms/join/<token>/`` for a participant already admitted:
page load, WebSocket to Summitry, state, janus.js session, join, publish
camera and microphone, multistream subscribe) against a baseline: a minimal
page that loads the same janus.js from the same server and does the same Janus
work directly, with a token and publisher id handed to it (no Summitry page,
no WebSocket, no state). Same run, same Janus, same Chromium (headless, fake
camera and microphone), runs alternated. The remote video comes from the
room's chair, whose page stays open throughout.

Both pages record ``performance.now()`` (milliseconds since navigation start)
when ``requestVideoFrameCallback`` reports the first remote frame painted.

Prints figures; asserts nothing. The last line is one JSON object with
``median_s``, ``baseline_median_s`` and ``ratio``.

    python benchmarks/join_time.py [--runs 9] [--timings] [--without-enforcer]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from benchkit import start_janus

CHROMIUM = os.environ.get("SUMMITRY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]
BASELINE_PATH = "/static/join-bench/baseline.html"
# Admitting a participant notifies the chair's page; each page is opened once that has settled,
# as a participant opens the link some time after being admitted.
SETTLE_S = 0.5
T = TypeVar("T")
# --timings: when the page (request, first byte, last byte) and each resource loaded (ms since
# navigation); the page's marks follow.
TIMINGS_JS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const lines = performance.getEntriesByType("resource").map((e) =>
    `  ${e.name.split("/").slice(-2).join("/").slice(0, 60)} ${Math.round(e.startTime)}-` +
    `${Math.round(e.responseEnd)}`);
  const at = (t) => Math.round(t);
  return [`  page ${at(nav.requestStart)}-${at(nav.responseStart)}-${at(nav.responseEnd)}, ` +
    `interactive ${at(nav.domInteractive)}, ` +
    `DOMContentLoaded ${Math.round(nav.domContentLoadedEventStart)}`, ...lines].join("\\n");
}"""

# The baseline: janus.js only. Same calls as room.js makes, nothing else.
BASELINE_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Baseline</title>
<script src="/static/vendor/webrtc-adapter/adapter.js"></script>
<script src="/static/vendor/janus-gateway/janus.js"></script></head>
<body>
<script>
const cfg = JSON.parse(decodeURIComponent(location.hash.slice(1)));
window.firstRemoteFrameAt = null;
window.marks = {script: Math.round(performance.now())};
const mark = (name) => { if (!(name in marks)) marks[name] = Math.round(performance.now()); };
const streamReady = navigator.mediaDevices.getUserMedia({audio: true, video: true});
Janus.init({debug: false, callback: () => {
  const janus = new Janus({server: cfg.api_url, token: cfg.token, iceServers: [], success: () => {
    mark("janus_session");
    janus.attach({plugin: "janus.plugin.videoroom", success: (pub) => {
      pub.send({message: {request: "join", ptype: "publisher", room: cfg.room,
                          id: cfg.publisher_id, token: cfg.token, display: "baseline"}});
      pub.onmessage = async (msg, jsep) => {
        if (msg.videoroom === "joined") {
          mark("joined");
          const stream = await streamReady;
          pub.createOffer({tracks: [
              {type: "audio", capture: stream.getAudioTracks()[0], recv: false},
              {type: "video", capture: stream.getVideoTracks()[0], recv: false}],
            success: (offer) => pub.send({message: {request: "publish"}, jsep: offer})});
          subscribe(msg.private_id, msg.publishers.map((p) => ({feed: p.id})));
        }
        if (jsep) pub.handleRemoteJsep({jsep});
      };
    }});
  }});
  function subscribe(privateId, streams) {
    janus.attach({plugin: "janus.plugin.videoroom",
      onremotetrack: (track, mid, on) => {
        if (!on || track.kind !== "video") return;
        const video = document.createElement("video");
        video.muted = true;
        video.autoplay = true;
        document.body.append(video);
        video.srcObject = new MediaStream([track]);
        video.requestVideoFrameCallback(() => {
          if (window.firstRemoteFrameAt === null) window.firstRemoteFrameAt = performance.now();
          mark("first_frame");
        });
      },
      success: (sub) => {
        sub.onmessage = (msg, jsep) => {
          if (jsep) sub.createAnswer({jsep, tracks: [], success: (answer) => {
            mark("subscribe_answer");
            sub.send({message: {request: "start", room: cfg.room}, jsep: answer});
          }});
        };
        sub.send({message: {request: "join", ptype: "subscriber", room: cfg.room,
                            private_id: privateId, token: cfg.token, streams}});
      }});
  }
}});
</script></body></html>
"""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve_asgi(host: str = "127.0.0.1") -> Iterator[str]:
    """Summitry over ASGI (uvicorn, WebSockets) in a daemon thread of this process."""
    import uvicorn

    from summitry.asgi import application

    config = uvicorn.Config(
        application,
        host=host,
        port=free_port(host),
        lifespan="off",
        log_level="error",
        ws="websockets-sansio",  # as `summitry serve` runs it
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise SystemExit("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://{host}:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def off_loop(call: Callable[[], T]) -> T:
    """Run ORM work in a plain thread: Playwright's sync API keeps an event loop in this one,
    and the actions notify the room's WebSocket group through async_to_sync."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(call).result()


@dataclasses.dataclass
class Setup:
    chair_token: str
    room_id: int
    videoroom_id: int


def open_meeting() -> Setup:
    import datetime as dt

    from django.utils import timezone

    from summitry.directory.models import Person
    from summitry.engagements.services import (
        EngagementInput,
        ParticipantInput,
        create_engagement,
    )
    from summitry.rooms.actions import links

    people = [Person.objects.create(name=n) for n in ("Chair", "Guest")]
    engagement = create_engagement(
        EngagementInput(
            title="Join-time benchmark",
            kind="video_meeting",
            status="scheduled",
            start=timezone.now() - dt.timedelta(minutes=5),
            participants=[ParticipantInput(person=p) for p in people],
        ),
        by=None,
    )
    room, tokens = links.open_room(engagement, None, chair=people[0], invitees=people[1:])
    assert room.videoroom_id is not None
    return Setup(tokens[people[0].pk], room.pk, room.videoroom_id)


def admitted_participant(setup: Setup, label: str) -> tuple[str, dict[str, Any]]:
    """A new invitation, already admitted: its join token and its Janus details."""
    from summitry.directory.models import Person
    from summitry.rooms import instances
    from summitry.rooms.actions import links, lobby
    from summitry.rooms.models import Invitation, Room

    room = Room.objects.get(pk=setup.room_id)
    person = Person.objects.create(name=label)
    invitation, token = links.invite(room, person)
    lobby.arrive(invitation)
    chair = room.invitations.get(role=Invitation.Role.CHAIR)
    lobby.admit(chair, invitation)
    invitation.refresh_from_db()
    janus = {
        "api_url": instances.endpoint_named(room.janus_instance).browser_api_url,
        "token": invitation.janus_token,
        "room": setup.videoroom_id,
        "publisher_id": invitation.janus_publisher_id,
    }
    return token, janus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=9, help="runs of each page (default 9)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per run")
    parser.add_argument(
        "--timings", action="store_true", help="print each page's resource timings too"
    )
    parser.add_argument(
        "--trace",
        type=Path,
        metavar="DIR",
        help="diagnosis: write a Chromium performance trace of each page's last run into DIR",
    )
    parser.add_argument(
        "--without-enforcer",
        action="store_true",
        help="diagnosis: no periodic floor enforcement sweep (it runs on Django's sync thread)",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="summitry-join-bench-"))
    janus = start_janus(work, "join")
    endpoint = janus.process.config.endpoint()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "summitry.settings",
            "SUMMITRY_DATA_DIR": str(work),
            "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
            "SUMMITRY_JANUS_INSTANCES": json.dumps([dataclasses.asdict(endpoint)]),
            # ORM calls from this thread happen beside Playwright's event loop (see off_loop).
            "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
            # As `summitry serve` does: both pages get the collected, compressed files.
            "SUMMITRY_STATIC_FINDERS": "0",
        }
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    # The baseline page is served by the same server, from a folder added to the static files
    # before the ASGI application (and ServeStatic) starts. Chromium refuses calls to a loopback
    # Janus from a page that did not itself come from a local address.
    from django.conf import settings

    (work / "baseline").mkdir()
    (work / "baseline" / "baseline.html").write_text(BASELINE_HTML)
    settings.STATICFILES_DIRS.append(("join-bench", work / "baseline"))
    call_command("collectstatic", interactive=False, verbosity=0)
    if args.without_enforcer:
        settings.SUMMITRY_ROOMS_ENFORCE_INTERVAL = 3600
    setup = open_meeting()

    from playwright.sync_api import sync_playwright

    ours: list[float] = []
    marks: list[dict[str, int]] = []
    base_marks: list[dict[str, int]] = []
    baseline: list[float] = []
    try:
        with serve_asgi() as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            chair_context = browser.new_context()
            chair = chair_context.new_page()
            chair.goto(f"{base}/rooms/join/{setup.chair_token}/")
            chair.get_by_role("button", name="Join the meeting").click()
            chair.wait_for_function("() => window.summitryRoom.peerConnections().length > 0")
            time.sleep(1.0)  # the chair's publisher is up before the first guest arrives

            def measure(url: str, expression: str, trace: Path | None = None) -> float:
                context = browser.new_context()
                page = context.new_page()
                if trace is not None:
                    browser.start_tracing(
                        page=page,
                        path=str(trace),
                        screenshots=False,
                        categories=[
                            "devtools.timeline",
                            "v8.execute",
                            "disabled-by-default-devtools.timeline",
                            "disabled-by-default-v8.cpu_profiler",
                        ],
                    )
                console: list[str] = []
                page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
                page.on("pageerror", lambda e: console.append(f"error: {e}"))
                try:
                    page.goto(url)
                    handle = page.wait_for_function(
                        f"() => {expression}", timeout=args.timeout * 1000
                    )
                    if "summitryRoom" in expression:
                        marks.append(page.evaluate("window.summitryRoom.marks"))
                    else:
                        base_marks.append(page.evaluate("window.marks"))
                    if args.timings:
                        print(url.split("#")[0], page.evaluate(TIMINGS_JS), sep="\n")
                        last = (marks if "summitryRoom" in expression else base_marks)[-1]
                        ordered = sorted(last.items(), key=lambda kv: kv[1])
                        print("  marks", " ".join(f"{k} {v}" for k, v in ordered))
                    return float(handle.json_value()) / 1000.0
                except Exception:
                    print(f"{url} showed no remote frame; console:", *console[-15:], sep="\n  ")
                    raise
                finally:
                    if trace is not None:
                        browser.stop_tracing()
                    # Leaving the page lets janus.js end its Janus session before the next run.
                    page.goto("about:blank")
                    context.close()

            def ours_once(run: int, trace: Path | None) -> float:
                token, _ = off_loop(partial(admitted_participant, setup, f"Guest {run}"))
                time.sleep(SETTLE_S)
                return measure(
                    f"{base}/rooms/join/{token}/", "window.summitryRoom?.firstRemoteFrameAt", trace
                )

            def baseline_once(run: int, trace: Path | None) -> float:
                _, direct = off_loop(partial(admitted_participant, setup, f"Base {run}"))
                time.sleep(SETTLE_S)
                fragment = json.dumps(direct)
                return measure(
                    f"{base}{BASELINE_PATH}#{fragment}", "window.firstRemoteFrameAt", trace
                )

            for run in range(args.runs):
                last = args.trace is not None and run == args.runs - 1
                if last:
                    args.trace.mkdir(parents=True, exist_ok=True)
                ours_trace = args.trace / "summitry.json" if last else None
                base_trace = args.trace / "baseline.json" if last else None
                # Alternate which page goes first, so neither always follows the other's leftovers.
                if run % 2 == 0:
                    ours_s = ours_once(run, ours_trace)
                    base_s = baseline_once(run, base_trace)
                else:
                    base_s = baseline_once(run, base_trace)
                    ours_s = ours_once(run, ours_trace)
                ours.append(ours_s)
                baseline.append(base_s)
                print(f"run {run + 1}: summitry {ours_s:.3f} s, baseline {base_s:.3f} s")
            chair_context.close()
            browser.close()
    finally:
        janus.stop()

    if marks:
        steps = sorted(marks[0], key=lambda k: marks[0][k])
        print("summitry page milestones, median ms since navigation:")
        print(
            "  "
            + ", ".join(f"{k} {statistics.median(m.get(k, 0) for m in marks):.0f}" for k in steps)
        )
        print("baseline page milestones:")
        print(
            "  "
            + ", ".join(
                f"{k} {statistics.median(m.get(k, 0) for m in base_marks):.0f}"
                for k in sorted(base_marks[0], key=lambda k: base_marks[0][k])
            )
        )
    median = statistics.median(ours)
    base_median = statistics.median(baseline)
    print(
        f"summitry: median {median:.3f} s (min {min(ours):.3f}, max {max(ours):.3f}); "
        f"baseline: median {base_median:.3f} s (min {min(baseline):.3f}, max {max(baseline):.3f})"
    )
    print(
        json.dumps(
            {
                "runs": args.runs,
                "median_s": round(median, 4),
                "baseline_median_s": round(base_median, 4),
                "ratio": round(median / base_median, 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
