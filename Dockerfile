# syntax=docker/dockerfile:1

# Front-end: the NHS.UK design system compiled with the portal's styles.
FROM node:24-bookworm-slim AS frontend
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY static/scss static/scss
RUN npm run build

# The Python packages the portal runs on, exactly as uv.lock pins them, with
# their hashes, as a requirements file for pip (the test and lint tools left out).
FROM python:3.13-slim AS requirements
RUN pip install --no-cache-dir --disable-pip-version-check uv==0.13.9
WORKDIR /src
COPY pyproject.toml uv.lock ./
RUN uv export --frozen --no-dev --no-emit-project --format requirements.txt --output-file requirements.txt

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

# Dependencies first, from the lock alone, so code changes reuse this layer;
# pip refuses any file whose hash the lock does not name.
COPY --from=requirements /src/requirements.txt /tmp/requirements.txt
RUN pip install --require-hashes --no-deps -r /tmp/requirements.txt \
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
# Workers and threads come from gunicorn.conf.py, read from /app.
CMD ["gunicorn", "collaborative.wsgi", "--bind", "0.0.0.0:8000"]
