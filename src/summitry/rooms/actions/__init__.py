"""Every write about live rooms goes through here (Zulip's "actions" rule), one module per
concern: ``links`` (opening, inviting, links), ``lobby`` (arriving, presence, admission,
removal), ``floor`` (the speakers' list, the floor, mutes), ``sweep`` (what every worker
applies when due), ``ending``; ``access`` resolves and locks who acts.

Each write runs in a transaction, writes the room's journal, bumps the room's version and, once
committed, broadcasts (:mod:`summitry.rooms.broadcast`) and tells Janus
(:mod:`summitry.rooms.media`).
"""
