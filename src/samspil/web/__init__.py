"""The samspil web project: settings, URLs and the WSGI entry point."""
