"""GitHub Enterprise Server with a private CA: `ca-bundle` adds it to the trust store."""

from __future__ import annotations

import datetime
import ipaddress
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from importspy_action.cli import main
from tests.helpers import builders
from tests.helpers.github_server import GitHubServer
from tests.integration.conftest import write_report


def _private_ca(tmp: Path) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for 127.0.0.1 signed by it: (ca.pem, cert, key)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Enterprise CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = tmp / "ca.pem", tmp / "server.pem", tmp / "server.key"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_path, cert_path, key_path


@pytest.mark.parametrize("with_bundle", [True, False])
def test_private_ca_needs_ca_bundle(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    with_bundle: bool,
) -> None:
    ca, cert, key = _private_ca(tmp_path)
    with GitHubServer(tls=(str(cert), str(key))) as api:
        assert api.url.startswith("https://")
        env = builders.actions_env(
            api.url, tmp_path, event_path=builders.pr_event(tmp_path / "e.json")
        )
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
        monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
        write_report(tmp_path / "in" / "r.json", builders.report([builders.finding(1)]))
        builders.workspace_files(tmp_path, [builders.finding(1)])
        argv = [
            "publish",
            "in/*.json",
            "--workspace",
            str(tmp_path),
            "--github-token",
            "test-token",
        ]
        if with_bundle:
            argv += ["--ca-bundle", ca.name]
        code = main(argv, environ=env)
        assert code == 1
        if with_bundle:
            assert len(api.check_runs) == 1
        else:
            assert api.check_runs == {} and api.requests == []
            captured = capsys.readouterr()
            assert "::error " in captured.out  # fallback annotations
            assert "set the `ca-bundle` input" in captured.err
            attempts = [
                line
                for line in captured.err.splitlines()
                if line.startswith("importspy-action: GitHub API: create the check run")
            ]
            assert len(attempts) == 1 and "TLS verification failed" in attempts[0]  # no retry
