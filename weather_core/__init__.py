"""Headless library behind the Weather CNN Classroom: data, models, training, evaluation.

Nothing here imports streamlit; TensorFlow is imported lazily by the modules that need it.
"""

CLASSES = ("cloudy", "rain", "shine", "sunrise")
