# Production image: the web, worker and beat services of docker-compose.yml all run it.

FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY scripts/build-assets.mjs scripts/
COPY static/src static/src
RUN node scripts/build-assets.mjs

FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.production
WORKDIR /app
# WeasyPrint draws PDFs (record exports, letters, packs) with Pango and needs a font.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv==0.13.8
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
COPY --from=assets /app/static/dist static/dist
# collectstatic reads settings, which insist on these; the values are never used to connect.
RUN SECRET_KEY=collectstatic DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost python manage.py collectstatic --no-input
RUN useradd --system --uid 10001 app
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
