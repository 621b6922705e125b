"""The command line, `python -m weather_core COMMAND` (main: the entry point and the model-side
commands; data_commands, job_commands; options they share) and `weather-classroom-app` (serve).
The top layer: it may import everything below it."""

from .main import EXIT_ERROR, main

__all__ = ["EXIT_ERROR", "main"]
