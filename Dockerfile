# A classroom server: the dashboard on port 8501, datasets and runs in two volumes.
#   docker build -t weather-classroom .
#   docker run -d --name weather -p 8501:8501 \
#     -v weather-data:/srv/weather/data -v weather-runs:/srv/weather/runs weather-classroom
# Secrets (sign-in, instructor secret) are mounted at run time, never built in (.dockerignore):
#     -v /etc/weather/secrets.toml:/srv/weather/.streamlit/secrets.toml:ro
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The runtime dependencies exactly as locked (hashes checked); rebuilt only when the lock changes.
COPY requirements.lock /tmp/requirements.lock
RUN pip install --require-hashes -r /tmp/requirements.lock && rm /tmp/requirements.lock

# The dashboard itself, built with the locked setuptools (no other download).
COPY . /tmp/src
RUN pip install --no-deps --no-build-isolation /tmp/src && rm -rf /tmp/src

# Not root: the server only writes into its two volumes.
RUN useradd --create-home --uid 1000 classroom \
    && mkdir -p /srv/weather/data /srv/weather/runs \
    && chown -R classroom:classroom /srv/weather
USER classroom
WORKDIR /srv/weather
ENV WEATHER_DATA_DIR=/srv/weather/data \
    WEATHER_RUNS_DIR=/srv/weather/runs
VOLUME ["/srv/weather/data", "/srv/weather/runs"]

EXPOSE 8501
# Under a proxy's sub-path (-e STREAMLIT_SERVER_BASE_URL_PATH=weather) the check follows it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-m", "weather_core", "health"]
# weather-classroom-app = `streamlit run app.py` with the classroom's .streamlit/config.toml.
CMD ["weather-classroom-app", "--server.address=0.0.0.0", "--server.port=8501"]
