# One image for every Dossier process (migrate, worker, beat); the command picks the role.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv/dossier
COPY pyproject.toml ./
COPY app ./app
COPY worker ./worker
RUN pip install .

# Blobs live on a volume shared by every process; beat keeps its schedule state apart.
RUN useradd --system --uid 10001 --home-dir /var/lib/dossier dossier \
    && mkdir -p /var/lib/dossier/blobs /var/lib/dossier/state \
    && chown -R dossier:dossier /var/lib/dossier
USER dossier
ENV DOSSIER_STORAGE_DIR=/var/lib/dossier/blobs \
    DOSSIER_EMBEDDED_DIR=/var/lib/dossier/state

CMD ["celery", "-A", "worker", "worker", "--loglevel", "INFO"]
