"""Exchanges: what the knowledge centre and its expert conferences share with the world.

Questions put to expert video conferences and the named experts' answers, the materials
presented there; and the knowledge centre's records in the formats others read: OAI-PMH (oai.py,
on the protocol in summitry/oai.py), Atom (atom.py), citations, Dublin Core and JSON-LD
(citation.py). The knowledge app holds the works themselves and knows nothing of this one.
"""
