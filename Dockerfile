# CareMentor: a slim, non-root image running any Procfile process.
#   docker build -t carementor .
#   docker run -e DJANGO_SECRET_KEY=... -e DATABASE_URL=... -p 8000:8000 carementor
# The default command is the web process; compose.yaml runs the worker and the scheduler
# from the same image.

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential gettext \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt /app/requirements.txt
RUN pip install -r /app/requirements.txt
COPY . /app
WORKDIR /app
# Hashed, compressed static files and the compiled translations are baked into the image.
ENV CAREMENTOR_STATIC_ROOT=/app/static-collected
RUN DJANGO_DEBUG=False DJANGO_SECRET_KEY=build-only CAREMENTOR_VAR_DIR=/tmp/var \
    python manage.py collectstatic --noinput -v 0 \
 && DJANGO_DEBUG=True CAREMENTOR_VAR_DIR=/tmp/var \
    python manage.py compilemessages --ignore=.venv --ignore=var -v 0

FROM python:3.11-slim-bookworm
# WeasyPrint (certificates, report PDFs) needs Pango; libpq is for psycopg's pure fallback.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz0b libfontconfig1 fonts-dejavu-core libpq5 curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin carementor
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=root:root /app /app
RUN mkdir -p /var/lib/carementor && chown carementor /var/lib/carementor
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CAREMENTOR_VAR_DIR=/var/lib/carementor \
    CAREMENTOR_STATIC_ROOT=/app/static-collected \
    PORT=8000
WORKDIR /app
USER carementor
EXPOSE 8000
# Liveness only: /health/ never asks the database, so an outage does not restart web nodes.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/health/" || exit 1
CMD ["gunicorn", "-c", "gunicorn.conf.py", "carementor.wsgi"]
