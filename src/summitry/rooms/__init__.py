"""Live rooms: calls, video meetings and virtual summits held on Janus."""
