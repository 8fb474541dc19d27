# importspy-action container. GitHub runs it as root with the workspace mounted at
# /github/workspace; there is deliberately no USER line (a non-root user could not write the
# job summary, outputs or reports into the mounted folders).
#
# BASE_IMAGE stays python:3.12-slim for users; the container tests pass a Debian base made
# with debootstrap on machines without a registry (tests/container/engines.py).
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
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore

SHELL ["/bin/bash", "-euo", "pipefail", "-c"]

# git: changed lines of a pull request come from `git diff` in the mounted workspace, which
# belongs to another uid; mark it safe or git refuses it as "dubious ownership".
# Size (docs/benchmarks.md): no docs, man pages or translations for what we install, none
# of git's server-side or mail helpers (daemon, http-backend, http-push, imap-send, shell,
# scalar; ~19 MB), no apt lists or caches. Debian's git depends on the full perl (~47 MB)
# only for scripts this action never runs (send-email, svn, cvs); perl-base stays.
RUN printf 'path-exclude=%s\n' '/usr/share/doc/*' '/usr/share/man/*' '/usr/share/info/*' \
        '/usr/share/locale/*' '/usr/share/gitweb/*' '/usr/bin/git-shell' '/usr/bin/scalar' \
        '/usr/lib/git-core/git-daemon' '/usr/lib/git-core/git-http-backend' \
        '/usr/lib/git-core/git-http-fetch' '/usr/lib/git-core/git-http-push' \
        '/usr/lib/git-core/git-imap-send' '/usr/lib/git-core/git-shell' \
        '/usr/lib/git-core/scalar' > /etc/dpkg/dpkg.cfg.d/importspy-action-slim \
 && echo 'path-include=/usr/share/doc/*/copyright' >> /etc/dpkg/dpkg.cfg.d/importspy-action-slim \
 && apt-get update \
 && apt-get install -y --no-install-recommends git=1:2.* \
 && { dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' \
        perl 'perl-modules-*' 'libperl5*' liberror-perl 2>/dev/null || true; } \
    | awk '$1 == "ii" && $2 != "perl-base" { print $2 }' \
    | xargs --no-run-if-empty dpkg --remove --force-depends \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt/* /var/log/dpkg.log \
 && git config --system --add safe.directory '*' \
 && git --version

COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir --require-hashes --only-binary=:all: -r /tmp/requirements.lock \
 && rm /tmp/requirements.lock

# Run as a script: /opt/importspy-action is sys.path[0], so no PYTHONPATH leaks into the
# tools the gates start. Byte-code is compiled once here (PYTHONDONTWRITEBYTECODE stops it
# being cached at run time); pip did the same for the dependencies: ~0.7 s per process.
COPY entrypoint.py /opt/importspy-action/entrypoint.py
COPY importspy_action /opt/importspy-action/importspy_action
RUN python -m compileall -q --invalidation-mode checked-hash /opt/importspy-action

ENTRYPOINT ["python", "/opt/importspy-action/entrypoint.py"]
