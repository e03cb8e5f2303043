FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=homegym.settings
WORKDIR /app
COPY requirements/ requirements/
RUN pip install --no-cache-dir -r requirements/base.txt
COPY . .
RUN DEBUG=1 python manage.py collectstatic --noinput && \
    useradd --create-home homegym && mkdir -p /data/ml_models && chown -R homegym /data /app/var
USER homegym
EXPOSE 8000
CMD ["gunicorn", "homegym.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
