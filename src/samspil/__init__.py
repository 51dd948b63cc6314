"""samspil: surveys of municipal collaboration with civil society, end to end."""

__version__ = "0.1.0"
