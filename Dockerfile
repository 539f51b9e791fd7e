# The portal's image: one image for web (gunicorn), worker and beat.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=liaison.settings.production
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir --upgrade pip
COPY . .
RUN pip install --no-cache-dir -e . \
 && SECRET_KEY=build-only-collectstatic-key-not-used-at-run-time python manage.py collectstatic --no-input
RUN useradd --system --uid 1000 liaison && mkdir -p /app/var/media && chown -R liaison /app/var
USER liaison
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "4", "liaison.wsgi:application"]
