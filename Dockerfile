# One image for every Dossier process (migrate, worker, beat); the command picks the role.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv/dossier
# The locked versions first (a layer that changes only with the lock), then Dossier alone.
COPY requirements/prod.lock ./requirements/
RUN pip install --require-hashes -r requirements/prod.lock
COPY pyproject.toml ./
COPY app ./app
COPY worker ./worker
RUN pip install --no-deps .

# Blobs live on a volume shared by every process; beat keeps its schedule state apart.
RUN useradd --system --uid 10001 --home-dir /var/lib/dossier dossier \
    && mkdir -p /var/lib/dossier/blobs /var/lib/dossier/state \
    && chown -R dossier:dossier /var/lib/dossier
USER dossier
# JSON log lines, for the log pipeline.
ENV DOSSIER_STORAGE_DIR=/var/lib/dossier/blobs \
    DOSSIER_EMBEDDED_DIR=/var/lib/dossier/state \
    DOSSIER_EXTRACTION_OCR_MODEL_DIR=/var/lib/dossier/ocr-models \
    DOSSIER_LOG_FORMAT=json
# The 8-bit copy of the OCR recogniser, made once here rather than by each container.
RUN python -c "from app.extraction.ocr import load_models; load_models()"

CMD ["celery", "-A", "worker", "worker", "--loglevel", "INFO"]
