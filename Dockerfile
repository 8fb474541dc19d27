# importspy-action container. GitHub runs it as root with the workspace mounted at
# /github/workspace; there is deliberately no USER line (a non-root user could not write the
# job summary, outputs or reports into the mounted folders).
ARG BASE_IMAGE=python:3.12-slim
FROM ${BASE_IMAGE}

ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="importspy-action" \
      org.opencontainers.image.description="Gate Python projects on ImportSpy contracts, coverage and ruff; report on the pull request." \
      org.opencontainers.image.source="https://github.com/importspy-action/importspy-action" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/opt/importspy-action

# git: changed lines of a pull request come from `git diff` in the mounted workspace, which
# belongs to another uid; mark it safe or git refuses it as "dubious ownership".
SHELL ["/bin/sh", "-eu", "-c"]
RUN apt-get update \
 && apt-get install -y --no-install-recommends git=1:2.* \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb \
 && git config --system --add safe.directory '*'

COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir --require-hashes --only-binary=:all: -r /tmp/requirements.lock \
 && rm /tmp/requirements.lock

COPY entrypoint.py /opt/importspy-action/entrypoint.py
COPY importspy_action /opt/importspy-action/importspy_action

ENTRYPOINT ["python", "/opt/importspy-action/entrypoint.py"]
