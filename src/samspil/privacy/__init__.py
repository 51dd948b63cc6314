"""Personal data from invitation to deletion: privacy notices, retention and anonymisation,
requests from a person (access, erasure), the append-only audit log and the record of
processing. See docs/privacy.md."""
