# AtlasOS: one image for the web process (gunicorn), the Celery worker and Celery beat.
# docker-compose.yml runs it with a different command per service.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=atlasos.settings \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/var/media

WORKDIR /app

# libmagic recognises uploaded files by their content (python-magic); Pango and HarfBuzz lay out
# the PDF reports (WeasyPrint), with a font they can use.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 libpango-1.0-0 libpangoft2-1.0-0 \
        libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, from pyproject.toml alone, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then the project itself. Editable, so the code runs from /app, where settings find
# templates/ and static/ beside the packages.
COPY . .
RUN pip install --no-deps -e .

# Static files are collected into the image (WhiteNoise serves them with hashed names). The
# key and the one-process cache only satisfy the settings during the build; never at run time.
RUN SECRET_KEY=collectstatic-build-only ATLASOS_SINGLE_PROCESS=true DEBUG=false \
    python manage.py collectstatic --noinput

# Run as an unprivileged user. /app/var holds the media volume (local file storage).
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home atlasos \
    && mkdir -p /app/var/media \
    && chown -R atlasos:atlasos /app/var
USER atlasos

EXPOSE 8000
CMD ["gunicorn", "atlasos.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
