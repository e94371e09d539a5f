# The tracker: one image for the app and for its migration step.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 TZ=Asia/Ho_Chi_Minh
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
RUN useradd --create-home tracker && chown -R tracker /app/data
USER tracker

EXPOSE 8501
# DATABASE_URL and TRACKER_ID_KEY come from the environment (compose.yaml), never from the image.
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501"]
