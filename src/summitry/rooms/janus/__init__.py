"""Janus, the media server: ``client`` (the Janus and Admin APIs), ``control`` (an instance's
endpoint and its VideoRoom and AudioBridge rooms), ``config`` (an instance's configuration
folder), ``environment`` (its secrets and network settings), ``process`` (running and
supervising it)."""
