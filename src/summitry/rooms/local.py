"""The local Janus that ``summitry serve`` starts when no instances are configured."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings

from summitry.rooms import instances
from summitry.rooms.janus.config import LOOPBACK_MEDIA_INTERFACE
from summitry.rooms.janus.environment import instance_dir
from summitry.rooms.janus.process import (
    JanusProcess,
    JanusSupervisor,
    ensure_loopback_media_interface,
)

logger = logging.getLogger(__name__)


def _restore(process: JanusProcess) -> None:
    from summitry.rooms.media import restore_after_janus_restart

    restored = restore_after_janus_restart(process.config.name)
    logger.info("Janus %s restarted; %d room(s) restored", process.config.name, len(restored))


def start_local_janus() -> JanusSupervisor:
    """Start the supervised local Janus; raises when it cannot start (say why)."""
    config = instances.local_config()
    if config.ice_enforce_list == (LOOPBACK_MEDIA_INTERFACE,):
        ensure_loopback_media_interface()
    supervisor = JanusSupervisor(
        JanusProcess(config, instance_dir(Path(settings.DATA_DIR), config.name)),
        on_restart=_restore,
    )
    supervisor.start()
    # Rooms left open by an earlier run live on in the database: put them back.
    _restore(supervisor.process)
    return supervisor
