# syntax=docker/dockerfile:1

# Front-end: the NHS.UK design system compiled with the portal's styles.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static/scss static/scss
RUN npm run build

# The portal: gunicorn serves Django, WhiteNoise the static files. The code
# runs from /app (settings find templates and static files beside it), so
# only the dependencies go into site-packages.
FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# DejaVu Sans, in which certificates of attendance print every name as it is written.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, from pyproject.toml alone, so code changes reuse this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
# Where settings.STATICFILES_DIRS looks for the front-end files.
COPY --from=frontend /src/static/build static/build
COPY --from=frontend /src/node_modules/nhsuk-frontend/dist/nhsuk/assets node_modules/nhsuk-frontend/dist/nhsuk/assets

# Hashed, compressed static files for WhiteNoise. Production settings refuse
# to load without a secret, host names, a mail server and a shared cache; these
# are for this step only (collectstatic reaches none of them), and the secret is
# random so that no key is ever written down.
RUN DJANGO_ENV=production \
    DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    SMTP_HOST=build.invalid \
    CACHE_URL=redis://build.invalid:6379/0 \
    python manage.py collectstatic --noinput

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin portal \
    && mkdir -p media \
    && chown portal media
USER portal

EXPOSE 8000
CMD ["gunicorn", "collaborative.wsgi", "--bind", "0.0.0.0:8000"]
