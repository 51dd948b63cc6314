"""The register: civil actors, municipal contact points by topic, collaborations and the
value both sides document (issue 11). A Django app; ``taxonomy`` and ``cvr`` are pure."""
